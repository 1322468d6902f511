package org.bitclass.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** One HTTP request and its answer: the body read within a size and time limit, JSON and server-sent events out. */
final class Exchange {

    static final ObjectMapper JSON = new ObjectMapper();

    final HttpExchange http;
    private OutputStream events;

    Exchange(HttpExchange http) {
        this.http = http;
    }

    String method() {
        return http.getRequestMethod();
    }

    String path() {
        return http.getRequestURI().getPath();
    }

    /**
     * The body as JSON. Refuses a body over {@code maxBytes} (413), one that takes longer than {@code millis} to
     * arrive (408: a client trickling its body holds only its own connection), and malformed JSON (400).
     */
    JsonNode readJson(int maxBytes, long millis) throws IOException {
        String declared = http.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.strip()) > maxBytes) {
                    throw tooLarge(maxBytes);
                }
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("bad Content-Length");
            }
        }
        long deadline = System.nanoTime() + millis * 1_000_000;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        // not closed on refusal: closing reads the rest of the body, and the answer would wait for it
        InputStream in = http.getRequestBody();
        for (int n; (n = in.read(buf)) >= 0; ) {
            body.write(buf, 0, n);
            if (body.size() > maxBytes) {
                throw tooLarge(maxBytes);
            }
            if (System.nanoTime() > deadline) {
                throw new ApiException(408, "the request body took longer than " + millis + " ms to arrive");
            }
        }
        if (body.size() == 0) {
            throw ApiException.badRequest("the request body is empty; expected JSON");
        }
        try {
            return JSON.readTree(body.toByteArray());
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static ApiException tooLarge(int maxBytes) {
        return new ApiException(413, "the request body is larger than " + maxBytes + " bytes");
    }

    void sendJson(int status, JsonNode body) throws IOException {
        send(status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    }

    void send(int status, String contentType, byte[] body) throws IOException {
        http.getResponseHeaders().set("Content-Type", contentType);
        http.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(body);
        }
    }

    /** OpenAI's error shape. */
    void sendError(ApiException e) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", e.status).put("message", e.getMessage()).put("type", e.type());
        if (e.status == 408 || e.status == 413) {
            http.getResponseHeaders().set("Connection", "close"); // the rest of the body is not worth reading
        }
        sendJson(e.status, body);
    }

    /** Starts a stream of server-sent events. */
    void startEvents() throws IOException {
        http.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        http.getResponseHeaders().set("Cache-Control", "no-cache");
        http.sendResponseHeaders(200, 0);
        events = http.getResponseBody();
    }

    /** Sends one {@code data:} event and flushes it; fails when the client has gone. */
    void sendEvent(String data) throws IOException {
        events.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        events.flush();
    }

    void sendEvent(JsonNode data) throws IOException {
        sendEvent(JSON.writeValueAsString(data));
    }

    void close() {
        http.close();
    }
}
