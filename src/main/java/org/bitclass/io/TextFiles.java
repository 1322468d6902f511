package org.bitclass.io;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Text files read by every command (calibration and evaluation texts, prompts, rule files). One policy: the text must
 * be UTF-8; any other bytes are refused with a message naming the file, rather than silently replaced.
 */
public final class TextFiles {

    private TextFiles() {
    }

    /** The whole file as text. */
    public static String read(Path file) throws IOException {
        RunInputs.add(file);
        requireFile(file);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw notUtf8(file);
        }
    }

    /** The file as a stream of text, for texts too large to hold at once. */
    public static Reader reader(Path file) throws IOException {
        RunInputs.add(file);
        requireFile(file);
        return new FilterReader(Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            @Override
            public int read(char[] buf, int off, int len) throws IOException {
                try {
                    return super.read(buf, off, len);
                } catch (CharacterCodingException e) {
                    throw notUtf8(file);
                }
            }
        };
    }

    /** Fails as {@link #read} would, for a command that reads the file only after long work. */
    public static void check(Path file) throws IOException {
        try (Reader r = reader(file)) {
            r.transferTo(Writer.nullWriter());
        }
    }

    /** A missing file or a folder named as text gets a message that names it. */
    private static void requireFile(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a folder, not a text file");
        }
        if (!Files.exists(file)) {
            throw new IOException("no such file: " + file);
        }
    }

    private static IOException notUtf8(Path file) {
        return new IOException(file + " is not UTF-8 text; convert it first (iconv -t UTF-8)");
    }
}
