package io.switchboard.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * A Java Flight Recording of the server during one measured window, taken with jcmd (as an operator
 * would on a live server) and summed up here from its CPU samples: where the time goes, by the method
 * on top of the stack and by the project's and Apache's frames anywhere in it.
 */
final class Profile {

    private static final String NAME = "bench";

    private final ServerJvm jvm;
    private final Path file;
    private boolean recording;
    private boolean recorded;

    Profile(ServerJvm jvm, Path file) {
        this.jvm = jvm;
        this.file = file;
    }

    Path file() {
        return file;
    }

    boolean recorded() {
        return recorded;
    }

    void start() {
        try {
            Files.createDirectories(file.getParent());
            jvm.jcmd("JFR.start", "name=" + NAME, "settings=profile", "filename=" + file.toAbsolutePath());
            recording = true;
        } catch (IOException | RuntimeException e) {
            System.out.println("  profile not started: " + e.getMessage());
        }
    }

    void stop() {
        if (!recording) {
            return;
        }
        recording = false;
        try {
            jvm.jcmd("JFR.stop", "name=" + NAME);
            recorded = Files.size(file) > 0;
        } catch (IOException | RuntimeException e) {
            System.out.println("  profile not written: " + e.getMessage());
        }
    }

    /** The ten hottest top frames, and the ten io.switchboard / org.apache frames most often anywhere on the stack. */
    String report() throws IOException {
        Map<String, Integer> top = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int samples = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                    continue;
                }
                List<RecordedFrame> frames = event.getStackTrace().getFrames();
                if (frames.isEmpty()) {
                    continue;
                }
                samples++;
                top.merge(name(frames.get(0).getMethod()), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    String method = name(frame.getMethod());
                    if ((method.startsWith("io.switchboard.") || method.startsWith("org.apache.")) && seen.add(method)) {
                        inclusive.merge(method, 1, Integer::sum);
                    }
                }
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format("profile %s: %d CPU samples (jdk.ExecutionSample)%n", file, samples));
        b.append("  hottest top frames (self time):\n");
        append(b, top, samples);
        b.append("  hottest io.switchboard.* / org.apache.* frames anywhere on the stack (inclusive; stacks up to 512 frames):\n");
        append(b, inclusive, samples);
        return b.toString();
    }

    private static void append(StringBuilder b, Map<String, Integer> counts, int samples) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(10)
                .forEach(e -> b.append(String.format("    %6d %5.1f%%  %s%n", e.getValue(), 100.0 * e.getValue() / samples, e.getKey())));
    }

    private static String name(RecordedMethod method) {
        return method == null ? "?" : method.getType().getName() + "." + method.getName();
    }
}
