package io.switchboard.sandbox.wechat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * WeChat's safe-mode encryption of a message, as WeChat's servers do it: AES-256-CBC with the key
 * {@code Base64(EncodingAESKey + "=")} and its first 16 bytes as IV, over {@code 16 random bytes +
 * 4-byte big-endian length + XML + AppID}, padded PKCS#7-style to a multiple of 32 bytes, Base64.
 * Kept apart from the channel's own implementation on purpose: the two check each other.
 */
public final class Envelope {

    private static final int BLOCK = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;
    private final String appId;

    /**
     * @param encodingAesKey the 43 characters an account's administrator sets in WeChat's console
     */
    public Envelope(String encodingAesKey, String appId) {
        if (encodingAesKey == null || encodingAesKey.length() != 43) {
            throw new IllegalArgumentException("an EncodingAESKey has 43 characters");
        }
        this.key = Base64.getDecoder().decode(encodingAesKey + "=");
        this.appId = appId;
    }

    public String seal(String xml) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return seal(random, xml);
    }

    /** With the caller's 16 random bytes: WeChat's published test vectors fix them. */
    public String seal(byte[] random, String xml) {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        byte[] app = appId.getBytes(StandardCharsets.UTF_8);
        int length = random.length + 4 + body.length + app.length;
        int pad = BLOCK - length % BLOCK;
        ByteBuffer plain = ByteBuffer.allocate(length + pad);
        plain.put(random).putInt(body.length).put(body).put(app);
        for (int i = 0; i < pad; i++) {
            plain.put((byte) pad);
        }
        return Base64.getEncoder().encodeToString(crypt(Cipher.ENCRYPT_MODE, plain.array()));
    }

    /**
     * @throws IllegalArgumentException when it does not decrypt, or was sealed for another AppID
     */
    public String open(String sealed) {
        byte[] plain;
        try {
            plain = crypt(Cipher.DECRYPT_MODE, Base64.getDecoder().decode(sealed.strip()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("does not decrypt", e);
        }
        int pad = plain.length == 0 ? 0 : plain[plain.length - 1] & 0xff;
        if (pad < 1 || pad > BLOCK || plain.length < 20 + pad) {
            throw new IllegalArgumentException("bad padding");
        }
        ByteBuffer buffer = ByteBuffer.wrap(plain, 0, plain.length - pad);
        buffer.position(16);
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new IllegalArgumentException("bad length");
        }
        String xml = new String(plain, 20, length, StandardCharsets.UTF_8);
        String from = new String(Arrays.copyOfRange(plain, 20 + length, plain.length - pad), StandardCharsets.UTF_8);
        if (!from.equals(appId)) {
            throw new IllegalArgumentException("sealed for AppID " + from + ", not " + appId);
        }
        return xml;
    }

    private byte[] crypt(int mode, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(key, 0, 16));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CBC: " + e.getMessage(), e);
        }
    }
}
