package org.stateos.fanoutbench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The run's table, summary and ratios, as text and as JSON. */
final class Report {
    private Report() {
    }

    static String header() {
        return String.format(Locale.ROOT, "%-8s %5s %5s %7s %6s %8s %8s %8s %9s %6s %6s %6s %7s %7s %7s %6s %5s %9s  %s",
                "target", "N", "recv", "loss%", "pkt/s", "srv_core", "base", "srv/vwr", "us/pkt", "core0", "sirq0",
                "core1", "cli/vwr", "p50ms", "p99ms", "xcode", "jit", "marg_us", "verdict");
    }

    static String row(Step s) {
        return String.format(Locale.ROOT, "%-8s %5d %5d %7.3f %6.1f %7.1f%% %7.1f%% %7.3f%% %9.2f %5.0f%% %5.1f%% %5.0f%% %6.3f%% %7s %7s %6s %5s %9s  %s",
                s.target(), s.viewers(), s.receiving(), s.lossPercent(), s.packetsPerSecondPerViewer(),
                s.serverCore() * 100, s.baselineCore() * 100, s.serverPerViewer() * 100, s.serverMicrosPerPacket(),
                s.core0Busy() * 100, s.core0Softirq() * 100, s.core1Busy() * 100, s.clientPerViewer() * 100,
                ms(s.p50Ms()), ms(s.p99Ms()), pct(s.split() == null ? null : s.split().transcoderCore()),
                pct(s.split() == null ? null : s.split().jitCore()),
                s.split() == null ? "-" : String.format(Locale.ROOT, "%.2f", s.marginalMicrosPerPacket()),
                s.passed() ? "ok" : "FAIL: " + s.failure());
    }

    private static String pct(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", v * 100);
    }

    private static String ms(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
    }

    /** The largest passing step (steps stop at the first failure unless --keep-going). */
    static Optional<Step> held(List<Step> steps) {
        Step best = null;
        for (Step s : steps) {
            if (!s.passed()) {
                break;
            }
            best = s;
        }
        return Optional.ofNullable(best);
    }

    /** Who ran out at the first failing step: the server's core, the client's core, or neither. */
    static String ranOut(List<Step> steps) {
        for (Step s : steps) {
            if (!s.passed()) {
                if (s.serverCore() >= 0.85) {
                    return String.format(Locale.ROOT, "server (its process used %.0f %% of core 0 at N=%d)",
                            s.serverCore() * 100, s.viewers());
                }
                // The client's own process, not core 1's busy time: other processes on a shared box count there too.
                if (s.clientCore() >= 0.85) {
                    return String.format(Locale.ROOT, "load client (core 1 %.0f %% busy, client process %.0f %% at N=%d;"
                            + " the server used %.0f %% of core 0)", s.core1Busy() * 100, s.clientCore() * 100,
                            s.viewers(), s.serverCore() * 100);
                }
                return String.format(Locale.ROOT, "neither core saturated at N=%d (server %.0f %%, core 1 %.0f %%): %s",
                        s.viewers(), s.serverCore() * 100, s.core1Busy() * 100, s.failure());
            }
        }
        return steps.isEmpty() ? "not run" : "nothing: every step passed";
    }

    /** Floor CPU per viewer as a fraction of one core: the stream's packets/s per viewer × µs per packet. */
    static double floorPerViewer(Map<String, JsonObject> floor, Step s) {
        JsonObject m = floor.get(Floor.modeFor(s.srtpProfile()));
        return m == null ? Double.NaN : s.packetsPerSecondPerViewer() * m.get("cpu_us_per_packet").getAsDouble() / 1e6;
    }

    static String summary(Options o, Map<String, JsonObject> floor, List<Step> ours, List<Step> janus, Map<String, Object> json) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%nfloor (one thread pinned to core %d; the node's SrtpContext, 1212-byte RTP, "
                + "DatagramChannel.send on loopback):%n", o.serverCore()));
        for (JsonObject m : floor.values()) {
            t.append(String.format(Locale.ROOT, "  %-14s %9.0f pkt/s  %6.3f us CPU/packet%n", m.get("mode").getAsString(),
                    m.get("packets_per_s").getAsDouble(), m.get("cpu_us_per_packet").getAsDouble()));
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        Optional<Step> oursHeld = held(ours);
        Optional<Step> janusHeld = held(janus);
        for (var e : Map.of("stateos", ours, "janus", janus).entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            Optional<Step> h = held(e.getValue());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("viewers_held", h.map(Step::viewers).orElse(0));
            m.put("ran_out", ranOut(e.getValue()));
            h.ifPresent(s -> {
                m.put("server_core_per_viewer", s.serverPerViewer());
                m.put("server_us_per_packet", s.serverMicrosPerPacket());
                m.put("client_core_per_viewer", s.clientPerViewer());
                m.put("client_ceiling_viewers", s.clientPerViewer() > 0 ? 1 / s.clientPerViewer() : null);
                double f = floorPerViewer(floor, s);
                m.put("floor_core_per_viewer", f);
                m.put("server_over_floor", s.serverPerViewer() / f);
                if (s.split() != null) {
                    m.put("marginal_core_per_viewer", s.split().marginalPerViewer());
                    m.put("marginal_us_per_packet", s.marginalMicrosPerPacket());
                    m.put("marginal_over_floor", s.split().marginalPerViewer() / f);
                }
            });
            summary.put(e.getKey(), m);
            t.append(String.format(Locale.ROOT, "%n%s: held %d viewers (< %.1f %% loss, all receiving, p99 < %.0f ms when"
                    + " known); ran out: %s%n", e.getKey(), h.map(Step::viewers).orElse(0), o.maxLossPercent(),
                    o.maxP99Ms(), ranOut(e.getValue())));
            h.ifPresent(s -> t.append(String.format(Locale.ROOT,
                    "  at N=%d: server %.3f %% of a core per viewer (%.2f us/packet), floor %.3f %% (%s) -> %.2fx the floor;"
                            + " client %.3f %% per viewer (ceiling ~%.0f viewers on one core)%n",
                    s.viewers(), s.serverPerViewer() * 100, s.serverMicrosPerPacket(), floorPerViewer(floor, s) * 100,
                    Floor.modeFor(s.srtpProfile()), s.serverPerViewer() / floorPerViewer(floor, s),
                    s.clientPerViewer() * 100, 1 / s.clientPerViewer())));
            h.filter(s -> s.split() != null).ifPresent(s -> t.append(String.format(Locale.ROOT,
                    "  marginal (without the transcoder's %.1f %% and the JIT's %.1f %% of a core): %.3f %% per viewer"
                            + " (%.2f us/packet) -> %.2fx the floor%n",
                    s.split().transcoderCore() * 100, s.split().jitCore() * 100, s.split().marginalPerViewer() * 100,
                    s.marginalMicrosPerPacket(), s.split().marginalPerViewer() / floorPerViewer(floor, s))));
        }
        List<Map<String, Object>> slopes = new java.util.ArrayList<>();
        for (int i = 1; i < ours.size(); i++) {
            Step a = ours.get(i - 1);
            Step b = ours.get(i);
            double slope = Step.slopePerViewer(a, b);
            if (Double.isNaN(slope)) {
                continue;
            }
            double pps = (a.packetsPerSecondPerViewer() + b.packetsPerSecondPerViewer()) / 2;
            double us = slope * 1e6 / pps;
            double floorUs = floorMicros(floor, Floor.modeFor(b.srtpProfile()));
            if (slopes.isEmpty()) {
                t.append(String.format(Locale.ROOT, "%nstateos marginal cost per added viewer (slope between steps, transcoder"
                        + " and JIT threads left out, no baseline):%n"));
            }
            double wokenUs = floorMicros(floor, Floor.modeFor(b.srtpProfile()) + "_woken");
            double fanoutUs = floorMicros(floor, Floor.modeFor(b.srtpProfile()) + "_fanout");
            t.append(String.format(Locale.ROOT, "  N=%d->%d: %.3f %% of a core per viewer, %.2f us/packet -> %.2fx the floor"
                    + " (%.2fx the floor with a woken receiver, %.2fx the floor sending to %d sockets)%n", a.receiving(),
                    b.receiving(), slope * 100, us, us / floorUs, us / wokenUs, us / fanoutUs, FloorBench.FANOUT_SOCKETS));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", a.receiving());
            m.put("to", b.receiving());
            m.put("core_per_viewer", slope);
            m.put("us_per_packet", us);
            m.put("over_floor", us / floorUs);
            m.put("over_floor_woken_receiver", us / wokenUs);
            m.put("over_floor_fanout_sockets", us / fanoutUs);
            slopes.add(m);
        }
        summary.put("stateos_marginal_slopes", slopes);
        SlopeFit fit = SlopeFit.of(ours);
        if (fit != null) {
            String profile = ours.get(ours.size() - 1).srtpProfile();
            double floorUs = floorMicros(floor, Floor.modeFor(profile));
            double fanoutUs = floorMicros(floor, Floor.modeFor(profile) + "_fanout");
            // the floor's own sender with the node's segmented sends (one sendmsg per 8 packets to one socket)
            double segmentedUs = floorMicros(floor, Floor.modeFor(profile).replace("+send", "+gso") + "_fanout");
            t.append(String.format(Locale.ROOT, "  least squares over the %d passing steps: %.3f %% of a core per viewer,"
                    + " %.2f +- %.2f us/packet (r2 %.3f, %.1f %% of a core at 0 viewers) -> %.2fx the floor, %.2fx the"
                    + " floor sending to %d sockets, %.2fx the floor sending to them with UDP GSO (%.2f us/packet)%n",
                    fit.steps(), fit.slope() * 100, fit.microsPerPacket(),
                    fit.microsPerPacketError(), fit.rSquared(), fit.intercept() * 100, fit.microsPerPacket() / floorUs,
                    fit.microsPerPacket() / fanoutUs, FloorBench.FANOUT_SOCKETS, fit.microsPerPacket() / segmentedUs,
                    segmentedUs));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps", fit.steps());
            m.put("core_per_viewer", fit.slope());
            m.put("us_per_packet", fit.microsPerPacket());
            m.put("us_per_packet_standard_error", fit.microsPerPacketError());
            m.put("r_squared", fit.rSquared());
            m.put("intercept_core", fit.intercept());
            m.put("over_floor", fit.microsPerPacket() / floorUs);
            m.put("over_floor_fanout_sockets", fit.microsPerPacket() / fanoutUs);
            m.put("over_floor_fanout_sockets_gso", fit.microsPerPacket() / segmentedUs);
            summary.put("stateos_marginal_fit", m);
        }
        if (!ours.isEmpty() && !janus.isEmpty()) {
            t.append(String.format(Locale.ROOT, "%nJanus / StateOS CPU per viewer at the same N (both passing):%n"));
            Map<Integer, Double> ratios = new LinkedHashMap<>();
            for (Step a : ours) {
                for (Step b : janus) {
                    if (a.viewers() == b.viewers() && a.passed() && b.passed()) {
                        double r = b.serverPerViewer() / a.serverPerViewer();
                        ratios.put(a.viewers(), r);
                        t.append(String.format(Locale.ROOT, "  N=%-5d janus %.3f %%  stateos %.3f %%  -> %.2fx%n",
                                a.viewers(), b.serverPerViewer() * 100, a.serverPerViewer() * 100, r));
                    }
                }
            }
            summary.put("janus_over_stateos_cpu_per_viewer", ratios);
            t.append(String.format(Locale.ROOT, "viewers held: stateos %d, janus %d%n",
                    oursHeld.map(Step::viewers).orElse(0), janusHeld.map(Step::viewers).orElse(0)));
        }
        json.put("summary", summary);
        return t.toString();
    }

    private static double floorMicros(Map<String, JsonObject> floor, String mode) {
        JsonObject m = floor.get(mode);
        return m == null ? Double.NaN : m.get("cpu_us_per_packet").getAsDouble();
    }

    static String json(Map<String, Object> doc) {
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(doc);
    }
}
