package org.bitclass.release;

import org.bitclass.gguf.GgmlType;
import org.bitclass.io.OutputFile;
import org.bitclass.quant.QuantizableTensors;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/** The release's charts, each as {@code plots/NAME.png} and {@code plots/NAME.svg}. */
final class ReleasePlots {

    static final String FOLDER = "plots";
    static final String KLD_MEAN = "kld-mean-vs-size";
    static final String KLD_999 = "kld-99.9-vs-size";
    static final String SENSITIVITY = "sensitivity-by-layer";

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final double MIB = 1024.0 * 1024;

    static {
        System.setProperty("java.awt.headless", "true");   // charts are drawn on servers without a display
    }

    private ReleasePlots() {
    }

    static String heatmap(String level) {
        return "bpw-" + level;
    }

    /** Writes every chart; returns their names (without extension) in the order the card shows them. */
    static List<String> write(ReleaseData d, ReleaseResults r) throws IOException {
        Path dir = d.spec().out().resolve(FOLDER);
        Files.createDirectories(dir);
        List<String> names = new ArrayList<>();
        save(dir, KLD_MEAN, kldChart(r, "Mean KL divergence from the original against file size", "mean KLD (log scale)",
                s -> s.kld().value()), names);
        save(dir, KLD_999, kldChart(r, "99.9th percentile of the KL divergence against file size",
                "KLD 99.9 % (log scale)", Scores::kldP99_9), names);
        save(dir, SENSITIVITY, sensitivityChart(d, r.findings().measure()), names);
        for (ReleaseData.Level l : d.levels()) {
            save(dir, heatmap(l.level().name()), bitsChart(l), names);
        }
        return names;
    }

    private static XYChart kldChart(ReleaseResults r, String title, String yTitle, ToDoubleFunction<Scores> y) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("file size (MiB)").yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideNE);
        List<ReleaseResults.Level> levels = r.levels().stream()
                .sorted(Comparator.comparingLong(l -> l.stock().fileBytes())).toList();
        series(chart, "stock llama-quantize recipe", levels.stream().map(ReleaseResults.Level::stock).toList(), y)
                .setMarker(SeriesMarkers.SQUARE);
        series(chart, "BitClass allocation", levels.stream().map(ReleaseResults.Level::bitclass).toList(), y)
                .setMarker(SeriesMarkers.CIRCLE);
        double[] all = levels.stream().flatMap(l -> Stream.of(l.stock(), l.bitclass())).mapToDouble(y)
                .filter(v -> v > 0).toArray();
        if (all.length > 0) {   // whole decades, so that the log axis has more than one labelled tick
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(Arrays.stream(all).min().getAsDouble()))));
            chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(Arrays.stream(all).max().getAsDouble()))));
        }
        for (ReleaseResults.Level l : levels) {
            chart.addAnnotation(new AnnotationText("  " + l.level(), l.bitclass().fileBytes() / MIB,
                    y.applyAsDouble(l.bitclass()) * 1.15, false));
        }
        return chart;
    }

    private static XYSeries series(XYChart chart, String name, List<Scores> scores, ToDoubleFunction<Scores> y) {
        return chart.addSeries(name, scores.stream().mapToDouble(s -> s.fileBytes() / MIB).toArray(),
                scores.stream().mapToDouble(y).toArray());
    }

    /** Per layer, the tensors' sensitivities stacked by role. */
    private static CategoryChart sensitivityChart(ReleaseData d, String measure) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Sensitivity per layer, by role (" + measure + ")").xAxisTitle("layer")
                .yAxisTitle(Findings.PROBES.equals(measure) ? "mean KLD of the probe" : "Σ H·w²").build();
        chart.getStyler().setStacked(true).setLegendPosition(Styler.LegendPosition.OutsideE);
        List<Findings.TensorWeight> weights = Findings.weights(d).stream().filter(w -> w.layer() >= 0).toList();
        int layers = weights.stream().mapToInt(Findings.TensorWeight::layer).max().orElse(-1) + 1;
        Map<String, double[]> byRole = new LinkedHashMap<>();
        for (Findings.TensorWeight w : weights) {
            byRole.computeIfAbsent(w.role(), x -> new double[layers])[w.layer()] += w.value();
        }
        List<String> x = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            x.add(Integer.toString(i));
        }
        byRole.forEach((role, values) -> chart.addSeries(role, x, Arrays.stream(values).boxed().toList()));
        return chart;
    }

    /** Bits per weight of every layer × role in a level's BitClass file. */
    private static HeatMapChart bitsChart(ReleaseData.Level level) {
        Map<String, GgmlType> types = level.ourTypes();
        List<Integer> layers = types.keySet().stream().map(QuantizableTensors::layerOf)
                .filter(i -> i >= 0).distinct().sorted().toList();
        Set<String> roles = new LinkedHashSet<>();
        types.keySet().stream().filter(n -> QuantizableTensors.layerOf(n) >= 0)
                .map(Findings::roleOf).forEach(roles::add);
        List<String> roleList = List.copyOf(roles);
        List<Number[]> cells = new ArrayList<>();
        types.forEach((name, type) -> {
            int layer = QuantizableTensors.layerOf(name);
            if (layer >= 0) {
                cells.add(new Number[]{layers.indexOf(layer), roleList.indexOf(Findings.roleOf(name)), type.bitsPerWeight()});
            }
        });
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Bits per weight chosen by BitClass at " + level.level().name() + " (layer × role)")
                .xAxisTitle("layer").yAxisTitle("role").build();
        double max = cells.stream().mapToDouble(c -> c[2].doubleValue()).max().orElse(8.5);
        chart.getStyler().setShowValue(true).setHeatMapValueDecimalPattern("0.0").setMin(2).setMax(Math.max(8.5, max))
                .setRangeColors(new Color[]{new Color(0x3b4cc0), new Color(0xf7f7f7), new Color(0xb40426)})
                .setXAxisTickMarkSpacingHint(10)   // a label for every role (XChart thins category labels by this)
                .setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.addSeries("bits per weight", layers, roleList, cells);
        return chart;
    }

    private static void save(Path dir, String name, Chart<?, ?> chart, List<String> names) throws IOException {
        OutputFile.write(dir.resolve(name + ".png"), temp -> {
            try (OutputStream out = Files.newOutputStream(temp)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
        });
        OutputFile.write(dir.resolve(name + ".svg"), temp -> {
            try (OutputStream out = Files.newOutputStream(temp)) {
                VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            }
        });
        names.add(name);
    }
}
