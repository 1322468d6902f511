/**
 * Chat templates: a compact Jinja interpreter that renders Hugging Face {@code tokenizer.chat_template} sources as
 * transformers does (jinja2 3.1 {@code ImmutableSandboxedEnvironment} with {@code trim_blocks}, {@code lstrip_blocks}
 * and loop controls, plus HF's {@code raise_exception}, {@code strftime_now}, {@code tojson} and
 * {@code {% generation %}}).
 *
 * <p>Entry point: {@link org.bitclass.tokenizer.chat.ChatTemplate}. The pipeline is {@code Lexer} → {@code Parser}
 * (with {@code ExpressionParser}) → {@code Node}/{@code Expr} tree → {@code Interpreter}; Python value semantics live
 * in {@code Py}, {@code PyStr}, {@code Numbers}, {@code Operators}, {@code Attributes}, {@code Methods},
 * {@code PyFormat} and {@code Json}; jinja2's filters and tests in {@code Filters} and {@code Tests}.
 *
 * <p>Known differences from jinja2, none of which real chat templates rely on: integers are 64-bit (overflow is an
 * error, not a big integer) and complex numbers are not supported; Markup is not tracked ({@code escape} returns a
 * plain string, {@code is escaped} is false); dict views, {@code range()} and iterators print differently (dict
 * views and ranges are lists here); jinja2's compile-time constant folding, which forgives some errors in constant
 * expressions, is not imitated; runtime error messages are worded like jinja2's but not always identical (messages
 * from {@code raise_exception} and the lines of syntax errors are). Not supported: {@code include}, {@code import},
 * {@code extends}, {@code block}, {@code autoescape}, recursive loops, {@code *args}/{@code **kwargs} in calls, the
 * globals {@code lipsum}, {@code cycler} and {@code joiner}, and the filters {@code groupby}, {@code slice},
 * {@code truncate}, {@code wordwrap}, {@code striptags}, {@code urlize}, {@code urlencode}, {@code xmlattr},
 * {@code filesizeformat}, {@code pprint}, {@code random} and {@code forceescape}.
 */
package org.bitclass.tokenizer.chat;
