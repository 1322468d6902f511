package org.bitclass.tokenizer.chat;

/** One lexer token: {@code text} is the source spelling (or the data text), {@code value} the literal's value. */
record Token(Kind kind, String text, Object value, int line) {

    /** ERROR ends the stream where lexing failed; its value is the exception, raised when the parser gets there. */
    enum Kind {
        DATA, VARIABLE_BEGIN, VARIABLE_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INTEGER, FLOAT, OPERATOR, EOF, ERROR
    }

    boolean is(Kind expected) {
        return kind == expected;
    }

    /** True for the name or operator spelled {@code spelling}. */
    boolean is(String spelling) {
        return (kind == Kind.NAME || kind == Kind.OPERATOR) && text.equals(spelling);
    }

    /** How error messages name this token, as jinja2 does. */
    String describe() {
        return switch (kind) {
            case EOF -> "end of template";
            case VARIABLE_END -> "end of print statement";
            case BLOCK_END -> "end of statement block";
            case DATA -> "template data";
            default -> text;
        };
    }
}
