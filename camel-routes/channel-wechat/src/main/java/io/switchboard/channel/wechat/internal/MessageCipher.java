package io.switchboard.channel.wechat.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * WeChat's safe-mode message encryption (消息加解密). The AES-256 key is
 * {@code Base64(EncodingAESKey + "=")}, the IV its first 16 bytes, CBC; the plaintext is 16 random
 * bytes, the XML's length as 4 bytes big-endian, the XML, then the account's AppID, padded PKCS#7
 * style to a multiple of 32 bytes (not AES' 16: WeChat's choice, so no JCE padding mode fits).
 */
final class MessageCipher {

    /** Why an {@code Encrypt} element was refused; the push is answered 401. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private static final int BLOCK = 32;

    private final byte[] key;
    private final byte[] appId;
    private final SecureRandom random = new SecureRandom();

    MessageCipher(String encodingAesKey, String appId) {
        if (encodingAesKey == null || !encodingAesKey.matches("[A-Za-z0-9+/]{43}")) {
            throw new IllegalArgumentException("encodingAesKey must be the 43 characters set in WeChat's console");
        }
        if (appId == null || appId.isBlank()) {
            throw new IllegalArgumentException("safe mode needs the account's appId");
        }
        this.key = Base64.getDecoder().decode(encodingAesKey + "=");
        this.appId = appId.getBytes(StandardCharsets.UTF_8);
    }

    String encrypt(String xml) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        return encrypt(nonce, xml);
    }

    /** With given leading random bytes, as WeChat's published test vectors are made. */
    String encrypt(byte[] leading, String xml) {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        int length = 16 + 4 + body.length + appId.length;
        int pad = BLOCK - length % BLOCK;
        ByteBuffer plain = ByteBuffer.allocate(length + pad);
        plain.put(leading, 0, 16).putInt(body.length).put(body).put(appId);
        while (plain.hasRemaining()) {
            plain.put((byte) pad);
        }
        return Base64.getEncoder().encodeToString(aes(Cipher.ENCRYPT_MODE, plain.array()));
    }

    /**
     * @throws Refused when it is not Base64 of whole blocks, its padding or length is wrong, or it
     *                 was encrypted for another AppID (another account's key, or a forgery)
     */
    String decrypt(String encrypted) throws Refused {
        byte[] cipherText;
        try {
            cipherText = Base64.getDecoder().decode(encrypted.strip());
        } catch (IllegalArgumentException e) {
            throw new Refused("Encrypt is not Base64");
        }
        if (cipherText.length == 0 || cipherText.length % BLOCK != 0) {
            throw new Refused("Encrypt is not whole blocks");
        }
        byte[] plain = aes(Cipher.DECRYPT_MODE, cipherText);
        int pad = plain[plain.length - 1] & 0xff;
        if (pad < 1 || pad > BLOCK || plain.length < 20 + pad) {
            throw new Refused("Encrypt does not decrypt with this EncodingAESKey");
        }
        int end = plain.length - pad;
        int length = ByteBuffer.wrap(plain, 16, 4).getInt();
        if (length < 0 || 20 + length > end) {
            throw new Refused("Encrypt does not decrypt with this EncodingAESKey");
        }
        byte[] from = Arrays.copyOfRange(plain, 20 + length, end);
        if (!MessageDigest.isEqual(from, appId)) {
            throw new Refused("Encrypt was made for another AppID");
        }
        return new String(plain, 20, length, StandardCharsets.UTF_8);
    }

    /**
     * A passive reply in safe mode: {@code <xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>}.
     * The channel answers pushes with {@code success} and replies through the customer-service API
     * (WeChat's 5-second window is too short for an agent); this is for replies that are ready at once.
     */
    String encryptReply(String xml, String token, String timestamp, String nonce) {
        String encrypted = encrypt(xml);
        return "<xml><Encrypt><![CDATA[" + encrypted + "]]></Encrypt>"
                + "<MsgSignature><![CDATA[" + Signatures.sign(token, timestamp, nonce, encrypted) + "]]></MsgSignature>"
                + "<TimeStamp>" + timestamp + "</TimeStamp>"
                + "<Nonce><![CDATA[" + nonce + "]]></Nonce></xml>";
    }

    private byte[] aes(int mode, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(key, 0, 16));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CBC is not available: " + e.getMessage(), e);
        }
    }
}
