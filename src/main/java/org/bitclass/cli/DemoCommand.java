package org.bitclass.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code bitclass demo}: the main job on the bundled Minima model, as a newcomer's first run. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run BitClass's main job on the bundled demo model (demo/" + DemoFiles.MODEL + ", a 7M-parameter",
                "Qwen3 trained on the KJV bible): show what the model file holds."})
public final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        System.out.println("== BitClass demo: the bundled model " + DemoFiles.MODEL + " ==");
        System.out.println();
        CommandLine inspect = new CommandLine(new InspectCommand());
        inspect.setExecutionExceptionHandler(new ErrorHandler());
        return inspect.execute("--no-tensors", DemoFiles.file(DemoFiles.MODEL).toString());
    }
}
