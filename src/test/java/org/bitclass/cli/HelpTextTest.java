package org.bitclass.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every help text fits 80 columns and wraps only between words; every command has a summary line. */
class HelpTextTest {

    static Stream<String> commands() {
        return Stream.concat(Stream.of(""), new CommandLine(new Main()).getSubcommands().keySet().stream()
                .filter(name -> !name.equals("help")));
    }

    @ParameterizedTest(name = "bitclass {0} --help")
    @MethodSource("commands")
    void fitsEightyColumnsWrappedBetweenWords(String command) {
        CommandLine root = new CommandLine(new Main());
        CommandLine cli = command.isEmpty() ? root : root.getSubcommands().get(command);
        String help = cli.getUsageMessage(CommandLine.Help.Ansi.OFF);

        assertThat(help.lines().filter(line -> line.length() > 80).toList()).isEmpty();
        String flowing = collapse(help);
        for (String text : texts(cli.getCommandSpec())) {
            for (String fragment : text.split("\\$\\{[^}]*}")) { // the parts around ${DEFAULT-VALUE} and the like
                assertThat(flowing).as("a word split across lines").contains(collapse(fragment));
            }
        }
    }

    @ParameterizedTest(name = "bitclass {0}")
    @MethodSource("commands")
    void hasASummaryLineInTheCommandList(String command) {
        CommandSpec spec = command.isEmpty() ? new CommandLine(new Main()).getCommandSpec()
                : new CommandLine(new Main()).getSubcommands().get(command).getCommandSpec();
        String[] summary = command.isEmpty() ? spec.usageMessage().description() : spec.usageMessage().header();
        assertThat(summary).isNotEmpty();
        assertThat(summary[0]).isNotBlank();
    }

    /** The prose of a command's help as written: description, footer and the description of every argument. */
    private static List<String> texts(CommandSpec spec) {
        List<String> texts = new ArrayList<>(List.of(spec.usageMessage().header()));
        texts.addAll(List.of(spec.usageMessage().description()));
        texts.addAll(List.of(spec.usageMessage().footer()));
        for (OptionSpec o : spec.options()) {
            texts.addAll(List.of(o.description()));
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            texts.addAll(List.of(p.description()));
        }
        return texts;
    }

    private static String collapse(String text) {
        return text.replace("%n", " ").replaceAll("\\s+", " ").strip();
    }
}
