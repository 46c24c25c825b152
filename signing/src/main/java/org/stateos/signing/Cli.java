package org.stateos.signing;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line: picks the command, parses its options, runs it and turns every failure into a message and an
 * exit status (0 done, 1 failed or refused, 2 usage error). Never calls System.exit, so tests can drive it.
 */
public final class Cli {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final PrintStream out;
    private final PrintStream err;

    public Cli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
        for (Command command : List.of(new KeygenCommand(), new IssueCommand(), new SignCommand(),
                new SignTreeCommand(), new VerifyCommand(), new ManifestCreateCommand(), new ManifestSignCommand(),
                new ManifestVerifyCommand())) {
            commands.put(command.name(), command);
        }
    }

    public int run(String... args) {
        if (args.length == 0) {
            err.print(usage());
            return USAGE;
        }
        String name = args[0];
        if (name.equals("--help") || name.equals("-h") || name.equals("help")) {
            out.print(usage());
            return OK;
        }
        Command command = commands.get(name);
        if (command == null) {
            err.println("error: unknown command \"" + name + "\"");
            err.print(usage());
            return USAGE;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (rest.contains("--help") || rest.contains("-h")) {
            out.print(help(command));
            return OK;
        }
        try {
            Arguments arguments = Arguments.parse(name, rest, command.valueOptions(), command.flags(),
                    command.takesPositionals());
            return command.run(arguments, out);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("usage: " + line(command));
            err.println("Run '" + name + " --help' for details.");
            return USAGE;
        } catch (SigningException e) {
            err.println("error: " + e.getMessage());
            return FAILED;
        } catch (RuntimeException e) {
            err.println("error: " + name + " failed unexpectedly: " + e);
            e.printStackTrace(err);
            return FAILED;
        }
    }

    public String usage() {
        StringBuilder text = new StringBuilder();
        text.append("Usage: java -jar stateos-signing-cli.jar COMMAND [OPTIONS]\n\n");
        text.append("The StateOS vendor signing tool: vendor keys, JAR signatures, signed release manifests.\n\n");
        text.append("Commands:\n");
        for (Command command : commands.values()) {
            text.append("  ").append(command.name()).append(' ').append(command.synopsis()).append('\n');
            text.append("      ").append(command.summary()).append('\n');
        }
        text.append("\nRun 'COMMAND --help' for a command's options.\n");
        text.append("Exit status: 0 done, 1 failed or refused, 2 usage error.\n");
        return text.toString();
    }

    private String help(Command command) {
        return "usage: " + line(command) + "\n" + capitalised(command.summary()) + ".\n" + command.details() + "\n";
    }

    private static String line(Command command) {
        return command.name() + " " + command.synopsis();
    }

    private static String capitalised(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
