package org.bitclass.serve;

import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A models folder lists its own GGUF files with their figures, and nothing outside it. */
class ModelCatalogTest {

    @Test
    void listsTheFolderOnlyWithKldFiguresFromResults(@TempDir Path dir) throws Exception {
        Path minima = SharedData.path("models/minima-qwen3-bf16.gguf");
        Path folder = Files.createDirectory(dir.resolve("models"));
        Files.copy(minima, folder.resolve("a.gguf"));
        Files.createSymbolicLink(folder.resolve("outside.gguf"), minima.toAbsolutePath());
        Files.writeString(folder.resolve("results.json"),
                "{\"levels\": [7, {\"file\": \"x/a.gguf\", \"kld_mean\": 0.5, \"kld\": \"n/a\", \"ppl\": 12}]}");
        ModelCatalog catalog = ModelCatalog.ofFolder(folder);

        assertThat(catalog.list()).extracting(ModelCatalog.Entry::name).containsExactly("a.gguf");
        ModelCatalog.Entry a = catalog.find("a.gguf");
        assertThat(a.bpw()).isBetween(15.5, 16.5);
        assertThat(a.kld()).isEqualTo(Map.of("kld_mean", 0.5));
        for (String name : new String[]{"outside.gguf", "../models/a.gguf", folder.resolve("a.gguf").toString()}) {
            assertThatThrownBy(() -> catalog.find(name)).isInstanceOf(ApiException.class).hasMessageContaining("no model");
        }
    }

    @Test
    void damagedFilesAndFilesThatAreNoModelAreLeftOut(@TempDir Path dir) throws Exception {
        Path minima = SharedData.path("models/minima-qwen3-bf16.gguf");
        Files.copy(minima, dir.resolve("a.gguf"));
        Files.write(dir.resolve("broken.gguf"), java.util.Arrays.copyOf(Files.readAllBytes(minima), 1000));
        Files.copy(SharedData.path("golden/eval/minima.imatrix.gguf"), dir.resolve("a.imatrix.gguf"));

        assertThat(ModelCatalog.ofFolder(dir).list()).extracting(ModelCatalog.Entry::name).containsExactly("a.gguf");
    }

    @Test
    void unreadableResultsMeanNoFigures(@TempDir Path dir) throws Exception {
        Files.copy(SharedData.path("models/minima-qwen3-bf16.gguf"), dir.resolve("a.gguf"));
        Files.writeString(dir.resolve("results.json"), "{\"levels\": [{\"file\": \"a.gguf\", \"kld_mean\": 0.5}");
        assertThat(ModelCatalog.ofFolder(dir).find("a.gguf").kld()).isEmpty();
    }
}
