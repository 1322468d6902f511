package org.bitclass.tokenizer.chat;

/** Something a template can call: a macro, a global function or a bound method of a value. */
@FunctionalInterface
interface PyCallable {

    Object call(Arguments args);
}
