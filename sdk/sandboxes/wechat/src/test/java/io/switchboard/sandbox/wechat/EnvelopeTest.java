package io.switchboard.sandbox.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Against the test vectors WeChat publishes with its message-encryption samples. */
class EnvelopeTest {

    static final String KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final String APP_ID = "wxb11529c136998cb6";
    static final byte[] RANDOM = "aaaabbbbccccdddd".getBytes(StandardCharsets.US_ASCII);

    @Test
    void sealsAsWechatsPublishedVectors() {
        Envelope envelope = new Envelope(KEY, APP_ID);
        assertEquals("jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==",
                envelope.seal(RANDOM, "我是中文abcd123"));
        String xml = "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>";
        String sealed = envelope.seal(RANDOM, xml);
        assertEquals("jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb",
                sealed);
        assertEquals(xml, envelope.open(sealed));
    }

    @Test
    void roundTripsWithFreshRandomnessAndRefusesAnotherAppId() {
        Envelope envelope = new Envelope(KEY, APP_ID);
        String text = "<xml><Content><![CDATA[你好 👋]]></Content></xml>";
        String a = envelope.seal(text);
        assertNotEquals(a, envelope.seal(text));
        assertEquals(text, envelope.open(a));
        assertThrows(IllegalArgumentException.class, () -> new Envelope(KEY, "wx0000000000000000").open(a));
        assertThrows(IllegalArgumentException.class, () -> new Envelope("A".repeat(43), APP_ID).open(a));
        assertThrows(IllegalArgumentException.class, () -> envelope.open("not base64 at all!"));
        assertThrows(IllegalArgumentException.class, () -> new Envelope("short", APP_ID));
    }

    @Test
    void signsAsWechatDoes() {
        // sha1 of the sorted parts, computed apart from this code
        assertEquals("76480565cbe296026c53aaacd1ad523a1ddba24f", WechatServer.signature("pamtest", "1409304348", "xxxxxx"));
        assertEquals("82c962d39941aa48552f90ef55aa323dc620cc10", WechatServer.signature("pamtest", "1409304348", "xxxxxx",
                "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="));
    }
}
