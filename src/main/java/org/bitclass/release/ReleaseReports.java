package org.bitclass.release;

import org.bitclass.io.OutputFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes what a release publishes besides its GGUFs: results.json, the plots and the model card. */
public final class ReleaseReports {

    public static final String CARD = "README.md";

    private ReleaseReports() {
    }

    /**
     * Before any work: {@code out} is new, empty or an earlier release (never a folder of other files whose
     * README.md the card would replace), and the reports can be written there.
     */
    public static void checkFolder(Path out, Path model) throws IOException {
        if (Files.isDirectory(out) && !Files.isDirectory(out.resolve(StageStore.FOLDER))) {
            try (var entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    boolean hasModel = out.toAbsolutePath().equals(model.toAbsolutePath().getParent());
                    throw new IllegalArgumentException("-o " + out + ": the folder holds other files"
                            + (hasModel ? ", the model among them" : "")
                            + " and no earlier release; give a new or empty folder (a release writes README.md there)");
                }
            }
        }
        Files.createDirectories(out);
        OutputFile.check(out.resolve(CARD));
        OutputFile.check(out.resolve(ReleaseResults.FILE));
        Path plots = out.resolve(ReleasePlots.FOLDER);
        if (Files.exists(plots) && !Files.isDirectory(plots)) {
            throw new IllegalArgumentException("cannot write " + plots + ": it is a file");
        }
    }

    public static ReleaseResults write(ReleaseData d, String tool) throws IOException {
        ReleaseResults r = ReleaseResults.of(d, tool);
        r.write(d.spec().out().resolve(ReleaseResults.FILE));
        var plots = ReleasePlots.write(d, r);
        String card = ModelCard.of(r, plots);
        OutputFile.write(d.spec().out().resolve(CARD), temp -> Files.writeString(temp, card));
        return r;
    }

    /** The levels table and the head-to-head, as the card shows them. */
    public static String tables(ReleaseResults r) {
        return ModelCard.levelsTable(r) + "\n" + ModelCard.headToHead(r);
    }
}
