package org.bitclass.calib;

import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.FileType;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.ModelQuantizer;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
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
 * tensors, counts, metadata and perplexity, and sums within what llama-imatrix itself reproduces.
 * <p>
 * The golden sums are not reproducible bit for bit, not even by llama.cpp: llama-imatrix re-run with the same
 * build and settings on our CI machine differs from the golden file by up to 5.6e-4 in a value and 5.7e-5 in a
 * tensor's relative L2 norm (the forward pass rounds differently from where the golden was made), while it
 * differs from our imatrix by at most 1.4e-6 and 2.3e-7. Where the inputs are exactly reproducible (the first
 * layer's q, k and v see the normalized embeddings) our float sums are bit-identical to the golden's, which pins
 * the accumulation order and rounding.
 */
class MinimaImatrixGoldenTest {

    private static final Path MODEL = SharedData.path("models/minima-qwen3-f32.gguf");
    private static final Path TEXT = SharedData.path("corpus/kjv-calib.txt");
    private static final Path GOLDEN = SharedData.path("golden/eval/minima.imatrix.gguf");
    private static final Path GOLDEN_DAT = SharedData.path("golden/eval/minima.imatrix.dat");
    private static final List<String> FIRST_LAYER_QKV =
            List.of("blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.0.attn_v.weight");

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
            double diff2 = 0;
            double norm2 = 0;
            for (int j = 0; j < gs.length; j++) {
                assertThat((double) ms[j]).as(name + "[" + j + "]").isCloseTo(gs[j], within(1e-3 * gs[j]));
                diff2 += ((double) ms[j] - gs[j]) * ((double) ms[j] - gs[j]);
                norm2 += (double) gs[j] * gs[j];
            }
            assertThat(Math.sqrt(diff2 / norm2)).as(name).isLessThan(1e-4);
        }
        for (String exact : FIRST_LAYER_QKV) {
            assertThat(mine.entry(exact).orElseThrow().sums()).as(exact)
                    .containsExactly(golden.entry(exact).orElseThrow().sums());
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
                assertThat((double) m[j]).as(name).isCloseTo(g[j], within(1e-3 * g[j]));
            }
        }
    }

    /**
     * Quantizing with our imatrix gives the bytes of quantizing with llama-imatrix's wherever the importance is
     * the same; elsewhere the k-quant and IQ4 searches resolve near-ties differently in a few blocks (about as
     * many as with a llama-imatrix re-run: 324 and 58 of 28677 blocks for Q4_K and IQ4_XS).
     */
    @ParameterizedTest
    @CsvSource({"Q4_K,0.985", "IQ4_XS,0.995"})
    void quantizingWithOurImatrixGivesLlamaImatrixBytes(String type, double minIdentical) throws IOException {
        FileType fileType = FileType.parse(type).orElseThrow();
        Path withGolden = quantize(fileType, Imatrix.read(GOLDEN), dir.resolve(type + "-golden.gguf"));
        Path withOurs = quantize(fileType, Imatrix.read(ours), dir.resolve(type + "-ours.gguf"));
        long blocks = 0;
        long identical = 0;
        try (GgufModel a = GgufModel.open(withOurs); GgufModel b = GgufModel.open(withGolden)) {
            assertThat(a.metadata().keys()).isEqualTo(b.metadata().keys());
            for (TensorInfo t : a.tensors()) {
                MemorySegment x = a.data(t);
                MemorySegment y = b.data(b.tensor(t.name()));
                if (FIRST_LAYER_QKV.contains(t.name()) || !t.type().isQuantized()) {
                    assertThat(x.mismatch(y)).as(t.name()).isEqualTo(-1L);
                    continue;
                }
                long size = t.type().typeSize;
                for (long off = 0; off < x.byteSize(); off += size) {
                    blocks++;
                    if (MemorySegment.mismatch(x, off, off + size, y, off, off + size) < 0) {
                        identical++;
                    }
                }
            }
        }
        assertThat(identical / (double) blocks).isGreaterThanOrEqualTo(minIdentical);
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
