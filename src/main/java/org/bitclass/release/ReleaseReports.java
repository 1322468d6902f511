package org.bitclass.release;

import org.bitclass.io.OutputFile;

import java.io.IOException;
import java.nio.file.Files;

/** Writes what a release publishes besides its GGUFs: results.json, the plots and the model card. */
public final class ReleaseReports {

    public static final String CARD = "README.md";

    private ReleaseReports() {
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
