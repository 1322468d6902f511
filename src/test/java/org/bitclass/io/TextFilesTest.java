package org.bitclass.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Text inputs: UTF-8 read as is, anything else refused with a message naming the file. */
class TextFilesTest {

    @TempDir
    Path dir;

    @Test
    void utf8IsReadAndEverythingElseNamesTheFile() throws IOException {
        Path text = Files.writeString(dir.resolve("t.txt"), "café\n");
        Path latin1 = Files.write(dir.resolve("l.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9});
        assertThat(TextFiles.read(text)).isEqualTo("café\n");
        assertThatThrownBy(() -> TextFiles.read(latin1)).hasMessage(latin1 + " is not UTF-8 text; convert it first (iconv -t UTF-8)");
        assertThatThrownBy(() -> TextFiles.check(latin1)).hasMessageStartingWith(latin1 + " is not UTF-8");
        assertThatThrownBy(() -> TextFiles.read(dir)).hasMessage(dir + " is a folder, not a text file");
        assertThatThrownBy(() -> TextFiles.reader(dir)).hasMessage(dir + " is a folder, not a text file");
        assertThatThrownBy(() -> TextFiles.read(dir.resolve("none.txt"))).hasMessage("no such file: " + dir.resolve("none.txt"));
    }
}
