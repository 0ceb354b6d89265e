package io.switchboard.channel.email.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The charsets mail says it uses, and the ones it really uses. Chinese mail labelled GB2312 is
 * routinely written in GBK (or GB18030): every GB2312 and GBK byte sequence means the same in
 * GB18030, so the superset decodes what the label promised and what the sender's client really did.
 */
final class Charsets {

    static final Charset GB18030 = Charset.forName("GB18030");

    private Charsets() {
    }

    /** The charset to decode a part or an encoded word labelled {@code label}; UTF-8 when unknown. */
    static Charset of(String label) {
        if (label == null || label.isBlank()) {
            return StandardCharsets.US_ASCII;
        }
        String l = label.strip().replace("\"", "").toLowerCase(Locale.ROOT);
        int star = l.indexOf('*'); // RFC 2231 language suffix: utf-8*zh-cn
        if (star > 0) {
            l = l.substring(0, star);
        }
        switch (l) {
            case "gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn", "x-euc-cn", "gb18030", "csgb2312", "chinese" -> {
                return GB18030;
            }
            case "us-ascii", "ascii", "ansi_x3.4-1968" -> {
                // many clients say ASCII and send UTF-8 (or Latin-1); decode() tries UTF-8 first anyway
                return StandardCharsets.US_ASCII;
            }
            default -> {
                try {
                    return Charset.forName(l);
                } catch (IllegalArgumentException unknown) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
    }

    /**
     * Decodes {@code bytes} as {@code charset}; bytes that are not valid there (an "ASCII" part with
     * UTF-8 in it, an unlabelled part) are tried as UTF-8 and GB18030 before anything is replaced.
     */
    static String decode(byte[] bytes, Charset charset) {
        String strict = strictly(bytes, charset);
        if (strict != null) {
            return strict;
        }
        for (Charset c : new Charset[] {StandardCharsets.UTF_8, GB18030}) {
            String s = strictly(bytes, c);
            if (s != null) {
                return s;
            }
        }
        return new String(bytes, charset);
    }

    private static String strictly(byte[] bytes, Charset charset) {
        try {
            CharBuffer chars = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * A header Jakarta Mail handed over as raw 8-bit (a client that put UTF-8 or GBK straight into the
     * header, without encoded words): each char is one byte, so take the bytes back and decode them.
     */
    static String rawHeader(String header) {
        boolean eightBit = false;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c > 0xFF) {
                return header; // already decoded (UTF-8 headers, RFC 6532)
            }
            eightBit |= c >= 0x80;
        }
        return eightBit ? decode(header.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8) : header;
    }
}
