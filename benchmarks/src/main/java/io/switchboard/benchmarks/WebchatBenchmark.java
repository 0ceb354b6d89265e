package io.switchboard.benchmarks;

import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Web chat on the real distribution, open loop. The visitors' leg offers fixed rates of messages and
 * times each from its intended send time until the core has stored it; the agents' leg offers
 * replies and times each until the visitor's stream delivers it. Beside them: the server's boot time,
 * idle memory and CPU per message, a flight recording at 500 msg/s, and the embedded broker's own
 * durable throughput over AMQP and CORE. The last line is the {@code RESULT} line.
 *
 * <p>Usage: benchmarks/run [--db h2|postgresql] [--rates 100,250,500,1000,1500] [--warmup 20] [--measure 60]
 * [--reply-rate 200] [--reply-warmup s] [--reply-measure s] [--visitors 500] [--reply-conversations 50]
 * [--agents 4] [--raw 10] [--idle 20]
 */
public final class WebchatBenchmark {

    /** What to run, from the command line. */
    record Plan(boolean postgres, List<Double> rates, Duration warmup, Duration measure, double replyRate,
                Duration replyWarmup, Duration replyMeasure, int visitors, int replyConversations, int agents,
                Duration raw, Duration idle) {

        static final double PROFILED_RATE = 500;

        static Plan parse(String[] args) {
            Map<String, String> given = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 == args.length) {
                    throw new IllegalArgumentException("expected --name value, got " + String.join(" ", args));
                }
                given.put(args[i].substring(2), args[++i]);
            }
            String db = given.getOrDefault("db", "h2");
            if (!db.equals("h2") && !db.equals("postgresql")) {
                throw new IllegalArgumentException("--db is h2 or postgresql, not " + db);
            }
            List<Double> rates = Arrays.stream(given.getOrDefault("rates", "100,250,500,1000,1500").split(","))
                    .map(String::trim).map(Double::parseDouble).sorted().toList();
            Duration warmup = seconds(given.getOrDefault("warmup", "20"));
            Duration measure = seconds(given.getOrDefault("measure", "60"));
            Plan plan = new Plan(db.equals("postgresql"), rates, warmup, measure,
                    Double.parseDouble(given.getOrDefault("reply-rate", "200")),
                    given.containsKey("reply-warmup") ? seconds(given.get("reply-warmup")) : warmup,
                    given.containsKey("reply-measure") ? seconds(given.get("reply-measure")) : measure,
                    Integer.parseInt(given.getOrDefault("visitors", "500")),
                    Integer.parseInt(given.getOrDefault("reply-conversations", "50")),
                    Integer.parseInt(given.getOrDefault("agents", "4")),
                    seconds(given.getOrDefault("raw", "10")), seconds(given.getOrDefault("idle", "20")));
            given.keySet().removeAll(List.of("db", "rates", "warmup", "measure", "reply-rate", "reply-warmup", "reply-measure",
                    "visitors", "reply-conversations", "agents", "raw", "idle"));
            if (!given.isEmpty()) {
                throw new IllegalArgumentException("unknown option(s) " + given.keySet());
            }
            return plan;
        }

        private static Duration seconds(String value) {
            return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
        }

        /** 500, or the highest rate below it, or the lowest if all are higher. */
        double profiledRate() {
            return rates.stream().filter(r -> r <= PROFILED_RATE).reduce((a, b) -> b).orElse(rates.get(0));
        }
    }

    /** Each visitor's first message (its conversation opens) goes at this rate, before any measurement. */
    static final double OPENING_RATE = 50;

    public static void main(String[] args) throws Exception {
        Plan plan = Plan.parse(args);
        String password = "bench-" + UUID.randomUUID();
        String agentPassword = "agent-" + UUID.randomUUID();
        Map<String, String> agents = new LinkedHashMap<>();
        for (int i = 1; i <= plan.agents(); i++) {
            agents.put("bench-agent-" + i, agentPassword);
        }
        Path target = Path.of(System.getProperty("switchboard.bench.dir")).getParent();
        TestDatabase database = plan.postgres() ? TestDatabase.postgres() : null;
        // JFR's default 64 frames cut a request's stack inside CXF, before the platform's own frames
        System.setProperty("switchboard.server.javaOpts", "-XX:FlightRecorderOptions:stackdepth=512");
        TestServer server = TestServer.unpack(
                        TestServer.findDistribution(Path.of(System.getProperty("switchboard.distro.dir"))),
                        Path.of(System.getProperty("switchboard.bench.dir")), password)
                // every simulated visitor posts from this one address: the per-address limit would be the figure
                .configure("io.switchboard.channel.webchat", "ratePerMinute", "100000000")
                // routes both ends of the web chat need (the widget's POST goes to sb.inbound without a route)
                .requireRoutes("switchboard-conversation/conversation-inbound", "switchboard-webchat/webchat-outbound");
        agents.forEach(server::addAgent);
        if (database != null) {
            String pid = "org.ops4j.datasource-switchboard";
            server.configure(pid, "osgi.jdbc.driver.name", "PostgreSQL JDBC Driver")
                    .configure(pid, "url", ((PGSimpleDataSource) database.dataSource()).getUrl())
                    .configure(pid, "user", ((PGSimpleDataSource) database.dataSource()).getUser())
                    .configure(pid, "password", "");
        }
        int status = 0;
        try {
            run(plan, server, password, agents, target);
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            System.out.println("server log: " + server.home().resolve("data/log/karaf.log"));
            status = 1;
        } finally {
            server.stop();
            if (database != null) {
                database.close();
            }
        }
        // the HTTP clients' and JMS listeners' threads are not daemons; exec:java would wait on them
        System.exit(status);
    }

    private static void run(Plan plan, TestServer server, String password, Map<String, String> agents, Path target) throws Exception {
        String db = plan.postgres() ? "postgresql" : "h2";
        System.out.printf("machine: %d cores, Java %s; database %s; rates %s msg/s, %.0f s warm-up + %.0f s measured each%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), db, plan.rates(),
                plan.warmup().toMillis() / 1000.0, plan.measure().toMillis() / 1000.0);
        long launched = System.nanoTime();
        server.start();
        double bootSeconds = (System.nanoTime() - launched) / 1e9;
        ServerJvm jvm = new ServerJvm(server.jvm().orElseThrow(() -> new IllegalStateException("no server JVM")));
        System.out.printf("boot: %.1f s (bin/karaf to /health UP with the web chat routes started); server pid %d%n",
                bootSeconds, jvm.pid());
        long idleCpu = jvm.cpuNanos();
        long idleFrom = System.nanoTime();
        Thread.sleep(plan.idle().toMillis());
        double idleRss = jvm.rssMegabytes();
        // what the server spends doing nothing (timers, the routing loop, late bundles) is in every CPU figure below
        System.out.printf("idle after %.0f s: RSS %.0f MB, CPU %.0f %% of one core%n", plan.idle().toMillis() / 1000.0, idleRss,
                100.0 * (jvm.cpuNanos() - idleCpu) / (System.nanoTime() - idleFrom));

        JmsConnectionFactory amqp = new JmsConnectionFactory(TestServer.ADMIN, password, server.busUrl());
        Profile profile = new Profile(jvm, target.resolve("jfr").resolve("webchat-" + db + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".jfr"));
        double profiled = plan.profiledRate();
        List<Window> stored = new ArrayList<>();
        System.out.println();
        System.out.println("visitors' messages, POST -> stored (message.received), latency from the intended send time, "
                + plan.visitors() + " visitors:");
        System.out.println(Window.header());
        try (VisitorMessages visitors = new VisitorMessages(server, amqp, jvm, plan.visitors())) {
            Window opening = visitors.openConversations(OPENING_RATE);
            System.out.println(opening.row() + "   <- each visitor's first message, not counted");
            Thread.sleep(2000);
            for (double rate : plan.rates()) {
                boolean profileThis = rate == profiled;
                Window w = visitors.offer(rate, plan.warmup(), plan.measure(),
                        profileThis ? profile::start : null, profileThis ? profile::stop : null);
                stored.add(w);
                System.out.println(w.row());
                if (w.errors() > 0) {
                    System.out.println("         errors: " + w.errorKinds());
                }
                if (w.failed()) {
                    System.out.printf("         %.0f msg/s is beyond this server: no higher rate is tried%n", rate);
                    break;
                }
                Thread.sleep(2000);
            }
            if (!visitors.awaitQuiet(Duration.ofMinutes(10), "sb.inbound", "sb.bot", "sb.outbound.webchat")) {
                System.out.println("         the server's queues did not empty within 10 minutes; the replies below wait behind them");
            }
        }

        System.out.println();
        System.out.printf("agents' replies, POST -> frame on the visitor's stream, latency from the intended send time, %.0f/s:%n",
                plan.replyRate());
        Window replies = null;
        // the replies' own recording: their path (CXF with a Bearer token, the desk's transaction, the
        // outbound batch, the visitor's stream) is not the visitors'
        Profile replyProfile = new Profile(jvm, target.resolve("jfr").resolve("webchat-" + db + "-replies-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".jfr"));
        try (AgentReplies leg = new AgentReplies(server, jvm, agents)) {
            leg.setUp(plan.replyConversations());
            System.out.println(Window.header());
            replies = leg.offer(plan.replyRate(), plan.replyWarmup(), plan.replyMeasure(), replyProfile::start, replyProfile::stop);
            System.out.println(replies.row());
            if (replies.errors() > 0) {
                System.out.println("         errors: " + replies.errorKinds());
            }
        } catch (IllegalStateException e) {
            // a setup the server refused: the other figures still stand
            System.out.println("replies not measured: " + e.getMessage());
        }

        System.out.println();
        int port = Integer.parseInt(server.busUrl().substring(server.busUrl().lastIndexOf(':') + 1));
        // the confirmation window is what lets a CORE producer send asynchronously with a CompletionListener
        ActiveMQConnectionFactory core = new ActiveMQConnectionFactory(
                "tcp://127.0.0.1:" + port + "?confirmationWindowSize=1048576", TestServer.ADMIN, password);
        List<RawBroker.Result> raw = new ArrayList<>();
        for (int inFlight : new int[] {1, 100}) {
            raw.add(RawBroker.measure("AMQP", amqp, inFlight, plan.raw()));
            raw.add(RawBroker.measure("CORE", core, inFlight, plan.raw()));
        }
        raw.forEach(r -> System.out.println(r.line()));
        core.close();

        System.out.println();
        if (replyProfile.recorded()) {
            System.out.println("agents' replies, " + plan.replyRate() + "/s:");
            System.out.print(replyProfile.report());
            System.out.println();
        }
        if (profile.recorded()) {
            System.out.print(profile.report());
        } else {
            System.out.printf("profile: none (the measured window at %.0f msg/s was not reached)%n", profiled);
        }

        System.out.println();
        Window sustained = stored.stream().filter(Window::sustained).reduce((a, b) -> b).orElse(null);
        Window costed = sustained != null ? sustained : stored.isEmpty() ? null : stored.get(0);
        Window at500 = stored.stream().filter(w -> w.offered == 500).findFirst().orElse(null);
        System.out.printf("sustained: %s; CPU per stored message measured at %s msg/s%n",
                sustained == null ? "no rate" : String.format("%.0f msg/s (p99 < 1 s, no errors, no backlog)", sustained.offered),
                costed == null ? "n/a" : String.format("%.0f", costed.offered));
        System.out.println(String.join(" ", "RESULT",
                "sustained_msgs_per_s=" + (sustained == null ? "0" : whole(sustained.offered)),
                "p99_store_ms_at_500=" + (at500 == null || at500.aborted() || at500.count() == 0 ? "n/a" : millis(at500.percentile(99))),
                // the key names the rate it is defined at; another rate's figure is in the table above
                "p99_reply_ms_at_200=" + (plan.replyRate() != 200 || replies == null || replies.count() == 0 ? "n/a" : millis(replies.percentile(99))),
                "cpu_ms_per_msg=" + (costed == null || Double.isNaN(costed.cpuMillisPerArrival()) ? "n/a"
                        : String.format(Locale.ROOT, "%.2f", costed.cpuMillisPerArrival())),
                "raw_amqp_100_msgs_per_s=" + whole(find(raw, "AMQP", 100).rate()),
                "raw_core_100_msgs_per_s=" + whole(find(raw, "CORE", 100).rate()),
                "db=" + db,
                "idle_rss_mb=" + whole(idleRss),
                "boot_s=" + String.format(Locale.ROOT, "%.1f", bootSeconds)));
    }

    private static RawBroker.Result find(List<RawBroker.Result> raw, String protocol, int inFlight) {
        return raw.stream().filter(r -> r.protocol().equals(protocol) && r.inFlight() == inFlight).findFirst().orElseThrow();
    }

    private static String whole(double value) {
        return String.valueOf(Math.round(value));
    }

    /** Tenths below 100 ms, where they still mean something; whole milliseconds above. */
    private static String millis(double value) {
        return value < 100 ? String.format(Locale.ROOT, "%.1f", value) : whole(value);
    }
}
