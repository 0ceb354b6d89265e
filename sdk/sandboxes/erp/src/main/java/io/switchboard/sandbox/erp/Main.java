package io.switchboard.sandbox.erp;

import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar switchboard-sandbox-erp-*.jar [--port 8092] [--api-key KEY] [--empty]}: an ERP to
 * point {@code etc/io.switchboard.system.erp.cfg} at, with a few products in stock unless
 * {@code --empty}, until Ctrl-C. More through the control API under {@code /sandbox/}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 8092;
        String key = SandboxErp.DEFAULT_API_KEY;
        boolean empty = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--api-key" -> key = args[++i];
                case "--empty" -> empty = true;
                default -> {
                    System.err.println("usage: [--port 8092] [--api-key KEY] [--empty]");
                    System.exit(2);
                }
            }
        }
        SandboxErp erp = SandboxErp.start(port).apiKey(key);
        if (!empty) {
            erp.product("KETTLE-17", "电热水壶 1.7L", "199.00").stock("KETTLE-17", "北京仓", 20).stock("KETTLE-17", "上海仓", 5);
            erp.product("ROUTER-AX3", "千兆无线路由器 AX3000", "299.00").stock("ROUTER-AX3", "上海仓", 8);
            erp.product("FILTER-RO", "净水器滤芯（三支装）", "89.90").stock("FILTER-RO", "广州仓", 0);
        }
        System.out.println("ERP sandbox at " + erp.url() + " (Authorization: Bearer " + key + "); control API at "
                + erp.controlUrl() + "/; Ctrl-C stops it");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            erp.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
