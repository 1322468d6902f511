package org.bitclass.cli;

import org.bitclass.quant.FileType;
import org.bitclass.release.ReleaseReports;
import org.bitclass.release.ReleaseResults;
import org.bitclass.release.ReleaseSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bitclass demo}: {@code release} on the bundled Minima model and texts, with a few levels — the main job,
 * end to end, in a few minutes.
 */
@Command(name = "demo",
        header = "Run 'release' on the bundled demo model (a few minutes).", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the main job on the bundled demo model: 'bitclass release' of Minima (demo/"
                + DemoFiles.MODEL + ", 7M parameters, Qwen3 architecture, trained on the KJV bible) with the"
                + " importance matrix and the allocator's probes from the bundled calibration text, every file scored"
                + " against the BF16 model on the bundled test text (perplexity and KL"
                + " divergence as llama-perplexity computes them), BitClass's allocation against the stock recipe of"
                + " each level. Prints the levels table and the head-to-head; the folder holds the GGUFs,"
                + " results.json, plots/ and the model card (README). A second run reuses every stage.",
        footer = {"", "Afterwards, e.g.:",
                "  bitclass chat bitclass-demo/Minima-Q4_K_M.gguf",
                "  bitclass perplexity bitclass-demo/Minima-Q3_K_S.gguf \\",
                "      --kld bitclass-demo/Minima.kld-base.bin"})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", description = "where to write the release (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bitclass-demo");

    @Option(names = "--levels", split = ",", paramLabel = "L1,L2", description = "levels (default: ${DEFAULT-VALUE})")
    List<String> levels = List.of("Q3_K_S", "Q4_K_M", "Q6_K");

    @Option(names = "--calib-chunks", paramLabel = "N", description = "512-token chunks of calibration text for the imatrix (default: ${DEFAULT-VALUE})")
    int calibChunks = 32;

    @Option(names = "--probe-chunks", paramLabel = "N", description = "calibration chunks the allocator measures KLD on (default: ${DEFAULT-VALUE})")
    int probeChunks = 4;

    @Option(names = "--eval-chunks", paramLabel = "N", description = "512-token chunks of test text scored (default: ${DEFAULT-VALUE})")
    int evalChunks = 8;

    @Option(names = "--force", description = "redo every stage, even those stored in --out")
    boolean force;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        OptionChecks.atLeast("--calib-chunks", calibChunks, 1);
        OptionChecks.atLeast("--probe-chunks", probeChunks, 1);
        OptionChecks.atLeast("--eval-chunks", evalChunks, 1);
        OptionChecks.atLeast("--threads", threads, 1);
        List<FileType> parsed = levels.stream().map(ReleaseCommand::level).distinct().toList();
        ReleaseReports.checkFolder(out, DemoFiles.file(DemoFiles.MODEL));
        long start = System.nanoTime();
        System.out.println("BitClass demo: release of " + DemoFiles.MODEL + " at " + String.join(", ", levels)
                + " -> " + out);
        ReleaseSpec spec = new ReleaseSpec(DemoFiles.file(DemoFiles.MODEL), DemoFiles.file(DemoFiles.CALIBRATION_TEXT),
                null, DemoFiles.file(DemoFiles.TEST_TEXT), parsed, "Minima", Map.of(), calibChunks, probeChunks,
                evalChunks, threads, out, Map.of());
        ReleaseResults r = ReleaseCommand.run(spec, force);
        System.out.println();
        System.out.print(ReleaseReports.tables(r));
        System.out.printf(Locale.ROOT, "%nrecommended: %s; model card %s; done in %.0f s%n", r.recommended().level(),
                out.resolve(ReleaseReports.CARD), (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
