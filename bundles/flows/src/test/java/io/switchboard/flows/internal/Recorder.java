package io.switchboard.flows.internal;

import java.lang.reflect.Proxy;
import java.util.function.BiFunction;

/** A service of another bundle as the flows' tests need it: each call goes to {@code body} by method name. */
final class Recorder {

    private Recorder() {
    }

    @SuppressWarnings("unchecked")
    static <T> T of(Class<T> type, BiFunction<String, Object[], Object> body) {
        return (T) Proxy.newProxyInstance(Recorder.class.getClassLoader(), new Class<?>[] {type},
                (p, m, a) -> body.apply(m.getName(), a));
    }
}
