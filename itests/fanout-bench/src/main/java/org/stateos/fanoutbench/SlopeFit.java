package org.stateos.fanoutbench;

import java.util.List;

/**
 * The marginal cost per viewer as the least-squares slope of the server's CPU (transcoder and JIT left out) over
 * the viewers receiving, across every passing step. A slope between two neighbouring steps rests on two 15-20 s
 * windows whose CPU readings wander by 1-3 % of a core on this box, which is 25 viewers' worth at small N; the fit
 * over all steps gives one figure and says how far it can be trusted (its standard error).
 *
 * @param slope          fraction of a core per added viewer
 * @param intercept      fraction of a core at 0 viewers (the fixed cost the line implies)
 * @param slopeError     standard error of the slope (NaN with fewer than 3 steps)
 * @param rSquared       how much of the CPU's variation the line explains
 * @param steps          steps in the fit
 * @param packetsPerSecond mean packets per second per viewer over those steps (to turn the slope into µs/packet)
 */
public record SlopeFit(double slope, double intercept, double slopeError, double rSquared, int steps,
        double packetsPerSecond) {

    /** The fit over the steps that passed and have the CPU split; null with fewer than two distinct N. */
    public static SlopeFit of(List<Step> all) {
        List<Step> steps = all.stream().filter(s -> s.passed() && !Double.isNaN(s.restCore())).toList();
        int n = steps.size();
        if (n < 2) {
            return null;
        }
        double mx = 0;
        double my = 0;
        double pps = 0;
        for (Step s : steps) {
            mx += s.receiving();
            my += s.restCore();
            pps += s.packetsPerSecondPerViewer();
        }
        mx /= n;
        my /= n;
        pps /= n;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (Step s : steps) {
            double dx = s.receiving() - mx;
            double dy = s.restCore() - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (sxx == 0) {
            return null;
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double residual = Math.max(0, syy - slope * sxy);
        double error = n > 2 ? Math.sqrt(residual / (n - 2) / sxx) : Double.NaN;
        double r2 = syy == 0 ? 1 : 1 - residual / syy;
        return new SlopeFit(slope, intercept, error, r2, n, pps);
    }

    /** The slope in server CPU microseconds per packet sent. */
    public double microsPerPacket() {
        return packetsPerSecond <= 0 ? Double.NaN : slope * 1e6 / packetsPerSecond;
    }

    /** Its standard error in microseconds per packet. */
    public double microsPerPacketError() {
        return packetsPerSecond <= 0 ? Double.NaN : slopeError * 1e6 / packetsPerSecond;
    }
}
