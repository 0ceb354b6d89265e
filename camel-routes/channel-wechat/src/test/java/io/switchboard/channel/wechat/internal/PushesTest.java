package io.switchboard.channel.wechat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.ContentPart;
import io.switchboard.api.Direction;
import io.switchboard.api.Message;
import io.switchboard.sandbox.wechat.WechatServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** WeChat's XML into the canonical model, and the XML that must never be read. */
class PushesTest {

    static final String OPENID = "oWx_4f3Kd9-customer";
    final PushXml xml = new PushXml();

    Optional<Message> read(String push) {
        return Pushes.toMessage(xml.parse(push.getBytes(StandardCharsets.UTF_8)), "main");
    }

    Message message(String push) {
        return read(push).orElseThrow();
    }

    @Test
    void textKeepsChineseEmojiAndMarkupExactly() {
        String content = "你好，我的包裹📦到哪了？ <b>&amp; ]]> 😀 ";
        Message m = message(WechatServer.text("gh_acc", OPENID, 1_700_000_000L, content, 6172329932587288417L));
        assertEquals(content, m.text());
        assertEquals(Direction.INBOUND, m.direction());
        assertEquals("wechat:" + OPENID, m.address().toString());
        assertEquals("6172329932587288417", m.channelMessageId());
        assertEquals("wechat:6172329932587288417", m.deduplicationId());
        assertEquals(Instant.ofEpochSecond(1_700_000_000L), m.time());
        assertEquals(Map.of("wechatAccount", "main"), m.headers());
        assertEquals(m.id(), message(WechatServer.text("gh_acc", OPENID, 1_700_000_000L, content, 6172329932587288417L)).id(),
                "a retry is the same message");
    }

    @Test
    void readsWechatsOwnLayoutWithWhitespaceAroundCdata() {
        String push = "<xml>\n  <ToUserName><![CDATA[gh_6bc2f16bcdba]]></ToUserName>\n"
                + "  <FromUserName><![CDATA[o6RpjuGLCkw6TH36e_Dm8b4t8clI]]></FromUserName>\n"
                + "  <CreateTime>1437107551</CreateTime>\n  <MsgType><![CDATA[text]]></MsgType>\n"
                + "  <Content><![CDATA[你在哪？]]></Content>\n  <MsgId>6172329932587288417</MsgId>\n</xml>\n";
        Message m = message(push);
        assertEquals("你在哪？", m.text());
        assertEquals("o6RpjuGLCkw6TH36e_Dm8b4t8clI", m.address().address());
    }

    @Test
    void imageVoiceAndEvents() {
        Message image = message(WechatServer.image("gh", OPENID, 1L, "http://mmbiz.qpic.cn/x.jpg", "media-1", 11L));
        ContentPart p = image.parts().get(0);
        assertEquals(ContentPart.Kind.IMAGE, p.kind());
        assertEquals("http://mmbiz.qpic.cn/x.jpg", p.url());
        assertEquals("media-1", p.name());
        assertEquals("11", image.channelMessageId());

        Message voice = message(WechatServer.voice("gh", OPENID, 2L, "media-2", "amr", "帮我查一下快递", 12L));
        assertEquals(ContentPart.Kind.FILE, voice.parts().get(0).kind());
        assertEquals("audio/amr", voice.parts().get(0).mimeType());
        assertEquals("media-2", voice.parts().get(0).name());
        assertEquals("帮我查一下快递", voice.text(), "the recognition is what agents and the bot read");
        assertEquals(1, message(WechatServer.voice("gh", OPENID, 2L, "media-2", "speex", null, 13L)).parts().size());

        Message subscribe = message(WechatServer.event("gh", OPENID, 3L, "subscribe", null));
        assertEquals(ContentPart.Kind.EVENT, subscribe.parts().get(0).kind());
        assertEquals("subscribe", subscribe.parts().get(0).name());
        assertEquals(OPENID + ":3:subscribe", subscribe.channelMessageId());
        assertEquals(OPENID + ":4:unsubscribe",
                message(WechatServer.event("gh", OPENID, 4L, "unsubscribe", null)).channelMessageId());
        Message click = message(WechatServer.event("gh", OPENID, 5L, "CLICK", "MENU_人工客服"));
        assertEquals("CLICK", click.parts().get(0).name());
        assertEquals("MENU_人工客服", click.parts().get(0).text());

        assertTrue(read(WechatServer.event("gh", OPENID, 6L, "VIEW", "https://example.com")).isEmpty());
        assertTrue(read(WechatServer.event("gh", OPENID, 7L, "TEMPLATESENDJOBFINISH", null)).isEmpty());
    }

    @Test
    void locationVideoAndLink() {
        String head = "<xml><ToUserName>gh</ToUserName><FromUserName>" + OPENID + "</FromUserName><CreateTime>9</CreateTime>";
        Message loc = message(head + "<MsgType>location</MsgType><Location_X>31.2304</Location_X>"
                + "<Location_Y>121.4737</Location_Y><Scale>15</Scale><Label><![CDATA[上海市黄浦区]]></Label><MsgId>21</MsgId></xml>");
        assertEquals(ContentPart.Kind.LOCATION, loc.parts().get(0).kind());
        assertEquals(31.2304, loc.parts().get(0).latitude());
        assertEquals(121.4737, loc.parts().get(0).longitude());
        assertEquals("上海市黄浦区", loc.parts().get(0).text());
        Message video = message(head + "<MsgType>shortvideo</MsgType><MediaId>m-3</MediaId><ThumbMediaId>t</ThumbMediaId><MsgId>22</MsgId></xml>");
        assertEquals("video/mp4", video.parts().get(0).mimeType());
        Message link = message(head + "<MsgType>link</MsgType><Title>说明书</Title><Description>d</Description>"
                + "<Url>https://example.com/a</Url><MsgId>23</MsgId></xml>");
        assertEquals("说明书\nhttps://example.com/a", link.text());
        assertTrue(read(head + "<MsgType>miniprogrampage</MsgType><MsgId>24</MsgId></xml>").isEmpty());
    }

    @Test
    void incompletePushesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> read("<xml><MsgType>text</MsgType><Content>x</Content></xml>"));
        assertThrows(IllegalArgumentException.class, () -> read(
                "<xml><FromUserName>o</FromUserName><CreateTime>soon</CreateTime><MsgType>text</MsgType><Content>x</Content></xml>"));
        assertThrows(IllegalArgumentException.class, () -> read(
                "<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>"));
        assertThrows(IllegalArgumentException.class, () -> read("<xml><unclosed></xml>"));
        assertThrows(IllegalArgumentException.class, () -> read("not xml"));
    }

    @Test
    void xxeIsRefusedBeforeAnyFileIsRead() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>"
                + "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>"
                + "<MsgType>text</MsgType><Content>&secret;</Content><MsgId>1</MsgId></xml>";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(xxe));
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
        String externalDtd = "<?xml version=\"1.0\"?><!DOCTYPE xml SYSTEM \"http://127.0.0.1:1/evil.dtd\"><xml/>";
        assertThrows(IllegalArgumentException.class, () -> read(externalDtd));
        String parameterEntity = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY % p SYSTEM \"file:///etc/hostname\"> %p;]><xml/>";
        assertThrows(IllegalArgumentException.class, () -> read(parameterEntity));
    }

    @Test
    void billionLaughsIsRefusedWithoutExpanding() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE xml [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i < 10; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"");
            dtd.append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
        }
        dtd.append("]>");
        String bomb = "<?xml version=\"1.0\"?>" + dtd + "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName>"
                + "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol9;</Content><MsgId>1</MsgId></xml>";
        long start = System.nanoTime();
        assertThrows(IllegalArgumentException.class, () -> read(bomb));
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "refused at once, not after expanding");
    }

    @Test
    void nestedElementsAreSkipped() {
        Message m = message("<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType>"
                + "<Event>CLICK</Event><EventKey>K</EventKey><ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo></xml>");
        assertEquals("K", m.parts().get(0).text());
        assertNull(m.parts().get(0).url());
    }
}
