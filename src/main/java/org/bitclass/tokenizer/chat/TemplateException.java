package org.bitclass.tokenizer.chat;

/**
 * A chat template failed to compile or render. The message is meant for the user: it names the template line when
 * known, except for errors raised by the template itself through {@code raise_exception(msg)}, whose message is
 * exactly {@code msg}.
 */
public final class TemplateException extends RuntimeException {

    private final String detail;
    private final int line;
    private final boolean raisedByTemplate;

    private TemplateException(String detail, int line, boolean raisedByTemplate) {
        super(raisedByTemplate || line <= 0 ? detail : "line " + line + ": " + detail, null, false, false);
        this.detail = detail;
        this.line = line;
        this.raisedByTemplate = raisedByTemplate;
    }

    /** An error whose line is not known yet; the interpreter adds the line of the statement being run. */
    TemplateException(String detail) {
        this(detail, 0, false);
    }

    TemplateException(String detail, int line) {
        this(detail, line, false);
    }

    /** The error a template raises on purpose with {@code raise_exception(message)}. */
    static TemplateException raisedByTemplate(String message) {
        return new TemplateException(message, 0, true);
    }

    /** Template line (1-based) where the error happened, or 0 when unknown. */
    public int line() {
        return line;
    }

    /** True when the template itself raised this error with {@code raise_exception}. */
    public boolean isRaisedByTemplate() {
        return raisedByTemplate;
    }

    /** This error located at {@code atLine}, unless it already has a line or was raised by the template. */
    TemplateException locate(int atLine) {
        return line > 0 || raisedByTemplate || atLine <= 0 ? this : new TemplateException(detail, atLine, false);
    }
}
