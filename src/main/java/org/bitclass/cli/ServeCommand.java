package org.bitclass.cli;

import org.bitclass.model.Models;
import org.bitclass.serve.ApiServer;
import org.bitclass.serve.ServerSettings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code bitclass serve}: the OpenAI-compatible HTTP server and web chat. */
@Command(name = "serve",
        header = "Serve a model over an OpenAI-compatible HTTP API, with a web chat page.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves /v1/chat/completions, /v1/completions, /v1/models, /health, /tokenize and /detokenize",
                "in the shapes llama-server answers with, and a chat page at /. --parallel slots generate together:",
                "each step runs the next token of every busy slot through the model as one batch. With --models the",
                "page lists the folder's GGUF files and loads the one picked."},
        footer = {"", "Examples:",
                "  bitclass serve demo/minima-qwen3-bf16.gguf --parallel 4",
                "  bitclass serve --models ~/models --port 9000 --api-key secret"})
public final class ServeCommand implements Callable<Integer> {

    static final class Source {
        @Parameters(paramLabel = "MODEL", description = "GGUF model to serve")
        Path model;

        @Option(names = "--models", paramLabel = "DIR", description = "serve the GGUF files of this folder, loaded on demand")
        Path folder;
    }

    @ArgGroup(multiplicity = "1")
    Source source;

    @Option(names = "--host", paramLabel = "HOST", description = "address to listen on (default: ${DEFAULT-VALUE})")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "N", description = "port; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port = 8080;

    @Option(names = {"-np", "--parallel"}, paramLabel = "N", description = "requests generated together (default: ${DEFAULT-VALUE})")
    int parallel = 4;

    @Option(names = {"-c", "--ctx"}, paramLabel = "N", description = "context tokens per slot (default: the model's, at most 4096)")
    int contextPerSlot;

    @Option(names = "--api-key", paramLabel = "KEY", description = "require 'Authorization: Bearer KEY' on the API")
    String apiKey;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: all cores)")
    int threads = Models.defaultThreads();

    @Mixin
    FloatBatchesOption floatBatches;

    private static final String MAX_REQUEST_SECONDS = "sun.net.httpserver.maxReqTime";

    @Override
    public Integer call() throws Exception {
        OptionChecks.within("--port", port, 0, true, 65535);
        OptionChecks.within("--parallel", parallel, 1, true, 256);
        OptionChecks.atLeast("--ctx", contextPerSlot, 0);
        OptionChecks.atLeast("--threads", threads, 1);
        // The JDK server closes a connection whose request (headers and body) is still incomplete after this many
        // seconds: a client that stalls mid-body cannot hold its connection and thread for ever.
        if (System.getProperty(MAX_REQUEST_SECONDS) == null) {
            System.setProperty(MAX_REQUEST_SECONDS, "60");
        }
        ServerSettings settings = ServerSettings.of(host, port, parallel, contextPerSlot, threads, apiKey)
                .withBatches(floatBatches.batches());
        ApiServer server = source.model != null ? ApiServer.ofModel(source.model, settings)
                : ApiServer.ofFolder(source.folder, settings);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("Listening on http://" + host + ":" + server.port() + "/ (Ctrl-C stops)");
        new CountDownLatch(1).await();
        return 0;
    }
}
