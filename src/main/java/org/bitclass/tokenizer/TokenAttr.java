package org.bitclass.tokenizer;

/** llama.cpp's per-token attribute bits (llama_token_attr); a token can carry several. */
final class TokenAttr {

    static final int UNKNOWN = 1;
    static final int UNUSED = 1 << 1;
    static final int NORMAL = 1 << 2;
    static final int CONTROL = 1 << 3;
    static final int USER_DEFINED = 1 << 4;
    static final int BYTE = 1 << 5;
    static final int LSTRIP = 1 << 7;
    static final int RSTRIP = 1 << 8;

    private TokenAttr() {
    }

    /** The attribute of a GGUF token type (0 undefined, 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte). */
    static int fromGgufType(long type) {
        return switch ((int) type) {
            case 1 -> NORMAL;
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> 0;
        };
    }

    /** The single type a set of attributes amounts to, strongest first. */
    static TokenType toType(int attr) {
        if ((attr & CONTROL) != 0) {
            return TokenType.CONTROL;
        }
        if ((attr & USER_DEFINED) != 0) {
            return TokenType.USER_DEFINED;
        }
        if ((attr & UNKNOWN) != 0) {
            return TokenType.UNKNOWN;
        }
        if ((attr & BYTE) != 0) {
            return TokenType.BYTE;
        }
        if ((attr & UNUSED) != 0) {
            return TokenType.UNUSED;
        }
        return (attr & NORMAL) != 0 ? TokenType.NORMAL : TokenType.UNDEFINED;
    }
}
