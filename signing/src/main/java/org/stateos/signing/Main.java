package org.stateos.signing;

/** Entry point of the runnable jar: {@code java -jar stateos-signing-VERSION-cli.jar COMMAND ...}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        int status = new Cli(System.out, System.err).run(args);
        System.out.flush();
        System.exit(status);
    }
}
