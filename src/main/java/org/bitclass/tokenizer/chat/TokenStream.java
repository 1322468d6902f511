package org.bitclass.tokenizer.chat;

import org.bitclass.tokenizer.chat.Token.Kind;

import java.util.List;

/** Cursor over the lexer's tokens with the expect/skip helpers the parsers need. */
final class TokenStream {

    private final List<Token> tokens;
    private int index;

    TokenStream(List<Token> tokens) {
        this.tokens = tokens;
        failIfError(tokens.getFirst());
    }

    Token current() {
        return tokens.get(index);
    }

    /** The token after the current one (lexing up to it, as jinja2's look-ahead does). */
    Token peek() {
        return failIfError(tokens.get(Math.min(index + 1, tokens.size() - 1)));
    }

    Token next() {
        Token t = tokens.get(index);
        if (index < tokens.size() - 1) {
            index++;
            failIfError(tokens.get(index));
        }
        return t;
    }

    private static Token failIfError(Token t) {
        if (t.is(Kind.ERROR)) {
            throw (TemplateException) t.value();
        }
        return t;
    }

    /** Consumes the current token when it is the name or operator spelled {@code spelling}. */
    boolean skipIf(String spelling) {
        if (current().is(spelling)) {
            next();
            return true;
        }
        return false;
    }

    Token expect(String spelling) {
        if (!current().is(spelling)) {
            throw unexpected("'" + spelling + "'");
        }
        return next();
    }

    Token expect(Kind kind) {
        if (!current().is(kind)) {
            throw unexpected(kind.name().toLowerCase().replace('_', ' '));
        }
        return next();
    }

    TemplateException unexpected(String wanted) {
        return error("expected " + wanted + ", got '" + current().describe() + "'");
    }

    TemplateException error(String message) {
        return new TemplateException("syntax error: " + message, current().line());
    }
}
