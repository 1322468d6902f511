package org.bitclass.serve;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad requests get a 4xx in OpenAI's error shape, and the server goes on serving. */
class ServeErrorsTest {

    private static final String KEY = "s3cret";
    private static final String CHAT = "{\"model\": \"minima-qwen3-bf16.gguf\", \"max_tokens\": 4, \"temperature\": 0,"
            + " \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}";

    private static ApiServer server;
    private static RawClient client;

    @BeforeAll
    static void start() throws Exception {
        ServerSettings settings = ServerSettings.of("127.0.0.1", 0, 2, 256, 2, KEY).withBodyMillis(1500);
        server = ApiServer.ofModel(SharedData.path("models/minima-qwen3-bf16.gguf"), settings);
        client = new RawClient(server.port(), KEY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** After every bad request a good one still gets a complete reply. */
    @AfterEach
    void stillServes() throws Exception {
        RawClient.Reply ok = client.post("/v1/chat/completions", CHAT);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().at("/choices/0/message/content").isTextual()).isTrue();
    }

    private static void assertError(RawClient.Reply r, int status, String messagePart) throws Exception {
        assertThat(r.status()).isEqualTo(status);
        JsonNode error = r.json().get("error");
        assertThat(error.get("code").asInt()).isEqualTo(status);
        assertThat(error.get("type").asText()).isNotEmpty();
        assertThat(error.get("message").asText()).contains(messagePart);
    }

    @Test
    void anotherSiteCannotDriveTheServerFromABrowser() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions");
        HttpRequest.Builder post = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(CHAT));
        assertError(client.send(post.copy().header("Content-Type", "text/plain").build()), 400,
                "Content-Type: application/json");
        assertError(client.send(post.copy().header("Content-Type", "application/json")
                .header("Origin", "http://evil.example").build()), 403, "cross-origin");
        try (Socket socket = new Socket("127.0.0.1", server.port())) { // a DNS-rebound name
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: evil.example:" + server.port()
                    + "\r\nAuthorization: Bearer " + KEY + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + CHAT.length() + "\r\nConnection: close\r\n\r\n" + CHAT).getBytes(StandardCharsets.UTF_8));
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(reply).startsWith("HTTP/1.1 403").contains("this server answers on loopback");
        }
    }

    @Test
    void malformedJson() throws Exception {
        assertError(client.post("/v1/chat/completions", "{\"messages\": [oops"), 400, "malformed JSON");
    }

    @Test
    void wrongTypes() throws Exception {
        assertError(client.post("/v1/chat/completions", CHAT.replace("\"temperature\": 0", "\"temperature\": \"hot\"")),
                400, "'temperature' must be a number");
        assertError(client.post("/v1/chat/completions", CHAT.replace("\"max_tokens\": 4", "\"max_tokens\": -1")),
                400, "'max_tokens'");
        assertError(client.post("/v1/chat/completions", CHAT.replace("\"temperature\": 0", "\"top_p\": 0")),
                400, "'top_p' must be above 0");
        assertError(client.post("/v1/chat/completions", "{\"messages\": \"Hi\"}"), 400, "'messages'");
        assertError(client.post("/v1/chat/completions", "[1, 2]"), 400, "JSON object");
        assertError(client.post("/v1/completions", "{\"prompt\": [1, 99999]}"), 400, "outside the vocabulary");
        assertError(client.post("/detokenize", "{\"tokens\": \"1 2\"}"), 400, "'tokens'");
    }

    @Test
    void promptLongerThanTheContext() throws Exception {
        assertError(client.post("/v1/completions", "{\"prompt\": \"" + "In the beginning ".repeat(200) + "\"}"),
                400, "context");
    }

    @Test
    void unknownModelAndRoute() throws Exception {
        assertError(client.post("/v1/chat/completions", CHAT.replace("minima-qwen3-bf16.gguf", "../../etc/passwd")),
                404, "no model named");
        assertError(client.get("/v1/nothing"), 404, "no route");
        assertError(client.get("/../pom.xml"), 404, "no route");
    }

    @Test
    void missingOrWrongKey() throws Exception {
        RawClient anonymous = new RawClient(server.port(), null);
        assertError(anonymous.post("/v1/chat/completions", CHAT), 401, "API key");
        assertError(new RawClient(server.port(), KEY + "x").get("/v1/models"), 401, "API key");
        assertThat(anonymous.get("/health").status()).isEqualTo(200);
    }

    @Test
    void hugeBody() throws Exception {
        String huge = "{\"prompt\": \"" + "a".repeat(5 << 20) + "\"}";
        assertError(client.post("/v1/completions", huge), 413, "larger than");
    }

    @Test
    void hugeChunkedBody() throws Exception {
        byte[] chunk = "a".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/completions"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArrays(Collections.nCopies(8, chunk))) // no length: chunked
                .build();
        HttpResponse<String> r;
        try (HttpClient http = HttpClient.newHttpClient()) {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        assertError(new RawClient.Reply(r.statusCode(), r.body()), 413, "larger than");
    }

    @Test
    void slowClientTricklingItsBody() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + CHAT.length() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            for (int i = 0; i < CHAT.length() - 1 && in.available() == 0; i++) {
                out.write(CHAT.charAt(i));
                out.flush();
                Thread.sleep(100);
            }
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 408");
            int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            assertError(new RawClient.Reply(408, body), 408, "took longer");
        }
    }

    /** The status line and headers of a response, up to the blank line. */
    private static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
