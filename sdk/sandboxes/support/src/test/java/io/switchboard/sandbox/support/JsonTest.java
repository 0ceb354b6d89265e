package io.switchboard.sandbox.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsAndWritesWhatTheSandboxesSpeak() {
        String body = "{\"touser\":\"oABC\",\"msgtype\":\"text\",\"text\":{\"content\":\"您好 \\\"客服\\\"\\n📦 \\u4e2d\"},"
                + "\"n\":[1,-2.5,true,null]}";
        Map<String, Object> json = Json.parseObject(body);
        assertEquals("您好 \"客服\"\n📦 中", Json.at(json, "text.content"));
        assertEquals(List.of(1L, new BigDecimal("-2.5"), true), ((List<?>) json.get("n")).subList(0, 3));
        assertEquals(json, Json.parseObject(Json.write(json)));
        assertEquals("{\"a\":\"您好📦\"}", Json.write(Map.of("a", "您好📦")));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
    }

    @Test
    void writesAmountsAsPlainNumbers() {
        assertEquals("[1000,12.50]", Json.write(List.of(new BigDecimal("1E+3"), new BigDecimal("12.50"))));
    }

    @Test
    void leavesOutUnknownMembersOnlyWhenAsked() {
        Map<String, Object> passenger = new LinkedHashMap<>();
        passenger.put("name", "张三");
        passenger.put("email", null);
        passenger.put("phones", Arrays.asList("13800000001", null));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("passengers", List.of(passenger));
        event.put("reason", null);
        assertEquals("{\"passengers\":[{\"name\":\"张三\",\"email\":null,\"phones\":[\"13800000001\",null]}],\"reason\":null}",
                Json.write(event));
        assertEquals("{\"passengers\":[{\"name\":\"张三\",\"phones\":[\"13800000001\",null]}]}", Json.writeWithoutNulls(event));
    }
}
