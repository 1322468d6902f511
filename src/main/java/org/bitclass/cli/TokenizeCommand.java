package org.bitclass.cli;

import org.bitclass.tokenizer.Tokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code bitclass tokenize}: prints the tokens of a text the way llama.cpp's llama-tokenize does. */
@Command(name = "tokenize",
        header = "Tokenize a text with a model's vocabulary, like llama-tokenize.",
        mixinStandardHelpOptions = true,
        description = "Tokenize a text with a model's vocabulary and print the tokens like llama-tokenize.")
final class TokenizeCommand implements Callable<Integer> {

    @Mixin
    ModelArgument modelArgument;

    @ArgGroup(multiplicity = "1")
    TextInput input;

    @Option(names = "--ids", description = "print only the ids, as a list like [1, 2, 3]")
    boolean idsOnly;

    @Option(names = "--no-parse-special", description = "tokenize the text of special tokens as plain text")
    boolean noParseSpecial;

    @Option(names = "--no-bos", description = "do not add BOS even if the model asks for it")
    boolean noBos;

    @Option(names = "--no-escape", description = "take \\n, \\t, \\xHH ... in the text literally")
    boolean noEscape;

    @Option(names = "--show-count", description = "print the number of tokens at the end")
    boolean showCount;

    @Override
    public Integer call() throws IOException {
        byte[] raw = input.bytes();
        String text = new String(noEscape ? raw : processEscapes(raw), StandardCharsets.UTF_8);
        Tokenizer tokenizer = Tokenizer.open(modelArgument.path());
        int[] ids = tokenizer.encode(text, tokenizer.addsBos() && !noBos, !noParseSpecial);

        // raw bytes, as llama-tokenize prints pieces: a piece may be part of a UTF-8 character
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (idsOnly) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < ids.length; i++) {
                sb.append(i > 0 ? ", " : "").append(ids[i]);
            }
            out.writeBytes(sb.append("]\n").toString().getBytes(StandardCharsets.UTF_8));
        } else {
            for (int id : ids) {
                out.writeBytes(String.format("%6d -> '", id).getBytes(StandardCharsets.UTF_8));
                out.writeBytes(tokenizer.pieceBytes(id, true));
                out.writeBytes("'\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        if (showCount) {
            out.writeBytes(("Total number of tokens: " + ids.length + "\n").getBytes(StandardCharsets.UTF_8));
        }
        PrintStream stdout = System.out;
        stdout.write(out.toByteArray());
        stdout.flush();
        return 0;
    }

    /** llama.cpp's escape processing of prompts: \n \r \t \' \" \\ and \xHH; anything else stays as written. */
    static byte[] processEscapes(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] != '\\' || i + 1 >= in.length) {
                out.write(in[i]);
                continue;
            }
            byte e = in[++i];
            switch (e) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case '\'', '"', '\\' -> out.write(e);
                default -> {
                    int hex = e == 'x' && i + 2 < in.length ? hexByte(in[i + 1], in[i + 2]) : -1;
                    if (hex >= 0) {
                        out.write(hex);
                        i += 2;
                    } else {
                        out.write('\\');
                        out.write(e);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    private static int hexByte(byte hi, byte lo) {
        int h = Character.digit(hi, 16);
        int l = Character.digit(lo, 16);
        return h < 0 || l < 0 ? -1 : h * 16 + l;
    }
}
