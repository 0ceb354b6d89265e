package io.switchboard.channel.wechat.internal;

/**
 * WeChat's API answered with an {@code errcode}. The message names the call and WeChat's code and
 * words (never the token or the secret): it is what a dead letter's reason says.
 */
final class WechatApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int errcode;

    WechatApiException(String call, int errcode, String errmsg) {
        super("WeChat " + call + " refused: errcode " + errcode + " " + errmsg);
        this.errcode = errcode;
    }

    int errcode() {
        return errcode;
    }

    /** The token was wrong or old: a fresh one may succeed. */
    boolean staleToken() {
        return errcode == 40001 || errcode == 40014 || errcode == 42001;
    }
}
