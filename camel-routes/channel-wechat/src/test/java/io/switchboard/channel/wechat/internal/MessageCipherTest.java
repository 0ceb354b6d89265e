package io.switchboard.channel.wechat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sandbox.wechat.Envelope;
import io.switchboard.sandbox.wechat.WechatServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Safe mode and signatures against WeChat's documented algorithm: its published test vectors, and
 * the sandbox's separate implementation of WeChat's side.
 */
class MessageCipherTest {

    // the values of WeChat's message-encryption samples
    static final String TOKEN = "pamtest";
    static final String KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final String APP_ID = "wxb11529c136998cb6";
    static final byte[] RANDOM = "aaaabbbbccccdddd".getBytes(StandardCharsets.US_ASCII);
    static final String SEALED = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";

    final MessageCipher cipher = new MessageCipher(KEY, APP_ID);

    @Test
    void matchesWechatsPublishedVector() throws Exception {
        assertEquals(SEALED, cipher.encrypt(RANDOM, "我是中文abcd123"));
        assertEquals("我是中文abcd123", cipher.decrypt(SEALED));
    }

    @Test
    void roundTripsAndAgreesWithTheSandboxBothWays() throws Exception {
        String xml = "<xml><Content><![CDATA[你好 👋 订单 #42 到哪了？]]></Content></xml>";
        String a = cipher.encrypt(xml);
        assertNotEquals(a, cipher.encrypt(xml), "16 fresh random bytes each time");
        assertEquals(xml, cipher.decrypt(a));
        Envelope wechat = new Envelope(KEY, APP_ID);
        assertEquals(xml, wechat.open(a));
        assertEquals(xml, cipher.decrypt(wechat.seal(xml)));
        for (int n = 0; n < 70; n++) {
            // every padding length, 1 to 32
            String s = "x".repeat(n);
            assertEquals(s, cipher.decrypt(wechat.seal(s)));
        }
    }

    @Test
    void refusesAnotherAppIdAnotherKeyAndGarbage() {
        String forOther = new Envelope(KEY, "wx0000000000000000").seal("<xml/>");
        assertTrue(assertThrows(MessageCipher.Refused.class, () -> cipher.decrypt(forOther)).getMessage().contains("AppID"));
        String otherKey = new Envelope("B".repeat(43), APP_ID).seal("<xml/>");
        assertThrows(MessageCipher.Refused.class, () -> cipher.decrypt(otherKey));
        assertThrows(MessageCipher.Refused.class, () -> cipher.decrypt("%%%"));
        assertThrows(MessageCipher.Refused.class, () -> cipher.decrypt("AAAA"));
        assertThrows(IllegalArgumentException.class, () -> new MessageCipher("too-short", APP_ID));
        assertThrows(IllegalArgumentException.class, () -> new MessageCipher(KEY, " "));
    }

    @Test
    void signaturesAreSha1OfTheSortedParts() {
        // computed apart from this code: sha1("1409304348pamtestxxxxxx")
        assertEquals("76480565cbe296026c53aaacd1ad523a1ddba24f", Signatures.sign(TOKEN, "1409304348", "xxxxxx"));
        assertEquals("82c962d39941aa48552f90ef55aa323dc620cc10", Signatures.sign(TOKEN, "1409304348", "xxxxxx", SEALED));
        assertTrue(Signatures.matches("76480565cbe296026c53aaacd1ad523a1ddba24f", TOKEN, "1409304348", "xxxxxx"));
        assertTrue(Signatures.matches("76480565CBE296026C53AAACD1AD523A1DDBA24F", TOKEN, "1409304348", "xxxxxx"));
        assertFalse(Signatures.matches("76480565cbe296026c53aaacd1ad523a1ddba24e", TOKEN, "1409304348", "xxxxxx"));
        assertFalse(Signatures.matches("76480565cbe296026c53aaacd1ad523a1ddba24f", "other", "1409304348", "xxxxxx"));
        assertFalse(Signatures.matches(null, TOKEN, "1409304348", "xxxxxx"));
        assertFalse(Signatures.matches("76480565cbe296026c53aaacd1ad523a1ddba24f", TOKEN, null, "xxxxxx"));
        assertEquals(WechatServer.signature(TOKEN, "1", "2", "3"), Signatures.sign(TOKEN, "1", "2", "3"));
    }

    @Test
    void encryptedRepliesAreWhatWechatReads() {
        String reply = "<xml><ToUserName><![CDATA[oCustomer]]></ToUserName><MsgType><![CDATA[text]]></MsgType>"
                + "<Content><![CDATA[收到，马上为您查询 🚚]]></Content></xml>";
        String sealed = cipher.encryptReply(reply, TOKEN, "1409304348", "xxxxxx");
        assertEquals(reply, new WechatServer(TOKEN, APP_ID, KEY, WechatServer.Mode.SAFE).reply(sealed));
        assertThrows(IllegalStateException.class,
                () -> new WechatServer("another", APP_ID, KEY, WechatServer.Mode.SAFE).reply(sealed));
    }
}
