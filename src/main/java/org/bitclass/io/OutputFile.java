package org.bitclass.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one way BitClass writes a file. The target is checked first (not a folder, its folder exists and takes new
 * files, it is none of the command's {@link RunInputs}); the bytes go to a temporary file beside it, renamed over
 * the target only by {@link #commit()}. Closing without a commit deletes the temporary file, so a failed or
 * interrupted run leaves the previous file, if any, untouched. Messages name the user's path, never the temporary one.
 */
public final class OutputFile implements AutoCloseable {

    private final Path target;
    private final Path temp;
    private boolean committed;

    private OutputFile(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
    }

    /** What a whole-file writer does with the temporary path. */
    @FunctionalInterface
    public interface Body {
        void writeTo(Path temp) throws IOException;
    }

    /**
     * Checks, before any work, that {@code target} can be written and is not one of {@code inputs} (which are
     * recorded for the writers that come later). Also removes temporary files that killed runs left beside it.
     */
    public static void check(Path target, Path... inputs) throws IOException {
        Path probe = checkedTemp(target, inputs);
        Files.delete(probe);
        TempFiles.forget(probe);
    }

    /** Checks {@code target} and creates its temporary file. */
    public static OutputFile create(Path target) throws IOException {
        return new OutputFile(target, checkedTemp(target));
    }

    /** The checks of {@link #check}, ending with the temporary file they prove can be created. */
    private static Path checkedTemp(Path target, Path... inputs) throws IOException {
        RunInputs.add(inputs);
        if (Files.isDirectory(target)) {
            throw new IOException("cannot write " + target + ": it is a folder");
        }
        Path folder = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
            throw new IOException("cannot write " + target + ": folder " + shownFolder(target) + " does not exist");
        }
        var input = RunInputs.sameFileAs(target, inputs);
        if (input.isPresent()) {
            throw new IOException("refusing to write " + target + ": it is the input " + input.get()
                    + " of this command; choose another output file");
        }
        TempFiles.removeStale(folder, shownFolder(target));
        return createTemp(target);
    }

    /** Writes a whole file at once through a temporary file. */
    public static void write(Path target, Body body) throws IOException {
        try (OutputFile out = create(target)) {
            body.writeTo(out.temp());
            out.commit();
        }
    }

    /** Where to write the bytes until {@link #commit()}. */
    public Path temp() {
        return temp;
    }

    /** A channel writing the temporary file; if it cannot be opened, the temporary file is removed at once. */
    public FileChannel openChannel() throws IOException {
        try {
            return FileChannel.open(temp, StandardOpenOption.WRITE);
        } catch (IOException e) {
            close();
            throw new IOException("cannot write " + target + ": " + reason(e), e);
        }
    }

    /** Renames the complete temporary file over the target. */
    public void commit() throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileSystemException e) {
            throw new IOException("cannot write " + target + ": " + reason(e), e);
        }
        TempFiles.forget(temp);
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            Files.deleteIfExists(temp);
            TempFiles.forget(temp);
        }
    }

    private static Path createTemp(Path target) throws IOException {
        Path temp = TempFiles.beside(target);
        try {
            return Files.createFile(temp);
        } catch (IOException e) {
            TempFiles.forget(temp);
            throw new IOException("cannot write " + target + ": " + reason(e), e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        return e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : "cannot create a file there";
    }

    private static Path shownFolder(Path target) {
        Path parent = target.getParent();
        return parent != null ? parent : Path.of(".");
    }
}
