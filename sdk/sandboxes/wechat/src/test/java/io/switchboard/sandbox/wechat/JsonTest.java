package io.switchboard.sandbox.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsAndWritesWhatWechatsApiSpeaks() {
        String body = "{\"touser\":\"oABC\",\"msgtype\":\"text\",\"text\":{\"content\":\"您好 \\\"客服\\\"\\n📦 \\u4e2d\"},"
                + "\"n\":[1,-2.5,true,null]}";
        Map<String, Object> json = Json.parseObject(body);
        assertEquals("您好 \"客服\"\n📦 中", Json.at(json, "text.content"));
        assertEquals(List.of(1L, new java.math.BigDecimal("-2.5"), true), ((List<?>) json.get("n")).subList(0, 3));
        assertEquals(json, Json.parseObject(Json.write(json)));
        assertEquals("{\"a\":\"您好📦\"}", Json.write(Map.of("a", "您好📦")));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
    }
}
