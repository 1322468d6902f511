package org.bitclass.calib;

import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.GgufModel;
import org.bitclass.quant.FileType;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.ModelQuantizer;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Our imatrix of Minima over the calibration text against llama-imatrix's ({@code -c 512}, F32 KV cache): the same
 * tensors, counts, metadata and perplexity, sums within 1e-4, and the same quantized bytes when used for importance.
 */
class MinimaImatrixGoldenTest {

    private static final Path MODEL = SharedData.path("models/minima-qwen3-f32.gguf");
    private static final Path TEXT = SharedData.path("corpus/kjv-calib.txt");
    private static final Path GOLDEN = SharedData.path("golden/eval/minima.imatrix.gguf");
    private static final Path GOLDEN_DAT = SharedData.path("golden/eval/minima.imatrix.dat");

    @TempDir
    static Path dir;
    private static ImatrixCalibration.Result result;
    private static Path ours;

    @BeforeAll
    static void calibrate() throws IOException {
        result = ImatrixCalibration.run(MODEL, TEXT, TEXT.toString(), ImatrixCalibration.Options.defaults(), 2,
                new ImatrixCalibration.Listener() {
                });
        ours = dir.resolve("minima.imatrix.gguf");
        result.imatrix().writeGguf(ours);
    }

    @Test
    void sameTensorsCountsAndSums() throws IOException {
        Imatrix golden = Imatrix.read(GOLDEN);
        Imatrix mine = Imatrix.read(ours);
        assertThat(mine.names()).isEqualTo(golden.names());
        assertThat(mine.entryCount()).isEqualTo(56);
        for (String name : golden.names()) {
            Imatrix.Entry g = golden.entry(name).orElseThrow();
            Imatrix.Entry m = mine.entry(name).orElseThrow();
            assertThat(m.counts()).as(name).containsExactly(g.counts());
            float[] gs = g.sums();
            float[] ms = m.sums();
            assertThat(ms).hasSameSizeAs(gs);
            for (int j = 0; j < gs.length; j++) {
                assertThat((double) ms[j]).as(name + "[" + j + "]").isCloseTo(gs[j], within(1e-4 * gs[j]));
            }
        }
    }

    @Test
    void sameMetadataExceptTheDatasetsDirectory() throws IOException {
        try (GgufFile g = GgufFile.open(GOLDEN); GgufFile m = GgufFile.open(ours)) {
            assertThat(m.metadata().keys()).containsExactlyElementsOf(g.metadata().keys());
            assertThat(m.metadata().getString("general.type")).isEqualTo("imatrix");
            assertThat(m.metadata().getInt("imatrix.chunk_count")).isEqualTo(g.metadata().getInt("imatrix.chunk_count")).isEqualTo(129);
            assertThat(m.metadata().getInt("imatrix.chunk_size")).isEqualTo(g.metadata().getInt("imatrix.chunk_size")).isEqualTo(512);
            List<String> datasets = List.of(m.metadata().getArray("imatrix.datasets").strings());
            assertThat(datasets).hasSize(1);
            assertThat(Path.of(datasets.getFirst()).getFileName().toString())
                    .isEqualTo(g.metadata().getArray("imatrix.datasets").strings()[0]);
            assertThat(m.tensors()).extracting(t -> t.name() + t.shapeString() + t.type())
                    .containsExactlyElementsOf(g.tensors().stream().map(t -> t.name() + t.shapeString() + t.type()).toList());
        }
    }

    @Test
    void perplexityIsTheOneLlamaImatrixPrints() throws IOException {
        Matcher m = Pattern.compile("Final estimate: PPL = (\\S+) \\+/- (\\S+)")
                .matcher(Files.readString(SharedData.path("golden/eval/minima.imatrix.txt")));
        assertThat(m.find()).isTrue();
        assertThat(result.chunks()).isEqualTo(129);
        assertThat(String.format(Locale.ROOT, "%.4f", result.perplexity())).isEqualTo(m.group(1));
        assertThat(String.format(Locale.ROOT, "%.5f", result.perplexityError())).isEqualTo(m.group(2));
    }

    @Test
    void legacyFormatMatchesLlamaImatrixDat() throws IOException {
        Path dat = dir.resolve("minima.imatrix.dat");
        result.imatrix().writeDat(dat);
        Imatrix golden = Imatrix.read(GOLDEN_DAT);
        Imatrix mine = Imatrix.read(dat);
        assertThat(mine.names()).isEqualTo(golden.names());
        assertThat(mine.chunkCount()).isEqualTo(golden.chunkCount());
        for (String name : golden.names()) {
            assertThat(mine.entry(name).orElseThrow().counts()).containsExactly(golden.entry(name).orElseThrow().counts());
            float[] g = golden.importance(name).orElseThrow();
            float[] m = mine.importance(name).orElseThrow();
            for (int j = 0; j < g.length; j++) {
                assertThat((double) m[j]).isCloseTo(g[j], within(1e-4 * g[j]));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Q4_K", "IQ4_XS"})
    void quantizingWithOurImatrixGivesLlamaImatrixBytes(String type) throws IOException {
        FileType fileType = FileType.parse(type).orElseThrow();
        Path withGolden = quantize(fileType, Imatrix.read(GOLDEN), dir.resolve(type + "-golden.gguf"));
        Path withOurs = quantize(fileType, Imatrix.read(ours), dir.resolve(type + "-ours.gguf"));
        assertThat(Files.mismatch(withOurs, withGolden)).isEqualTo(-1L);
    }

    /** Every matrix in one type, as llama-quantize --pure; the imatrix is recorded under one name for both runs. */
    private static Path quantize(FileType fileType, Imatrix imatrix, Path out) throws IOException {
        try (GgufModel model = GgufModel.open(MODEL)) {
            new ModelQuantizer(t -> fileType.baseType, fileType, imatrix, "minima.imatrix.gguf", false, 2)
                    .quantize(model, out, (i, n, from, to) -> {
                    });
        }
        return out;
    }
}
