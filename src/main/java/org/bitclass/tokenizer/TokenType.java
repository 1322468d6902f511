package org.bitclass.tokenizer;

/** The kind of a vocabulary entry (GGUF {@code tokenizer.ggml.token_type}), as llama.cpp ends up treating it. */
public enum TokenType {
    UNDEFINED, NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE
}
