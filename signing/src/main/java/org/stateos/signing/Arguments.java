package org.stateos.signing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's parsed arguments: {@code --name value} (or {@code --name=value}) options, {@code --flag} switches and
 * positional arguments. Anything the command did not declare is a {@link UsageException}; {@code --} ends options.
 */
public final class Arguments {

    private final String command;
    private final Map<String, String> values;
    private final Set<String> flags;
    private final List<String> positionals;

    private Arguments(String command, Map<String, String> values, Set<String> flags, List<String> positionals) {
        this.command = command;
        this.values = values;
        this.flags = flags;
        this.positionals = positionals;
    }

    /** Parses {@code args} for {@code command}, which takes the given value options and flags (names with "--"). */
    public static Arguments parse(String command, List<String> args, Set<String> valueOptions, Set<String> flagOptions,
                                  boolean takesPositionals) throws UsageException {
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        List<String> positionals = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                if (!takesPositionals) {
                    throw new UsageException(command + ": unexpected argument \"" + arg + "\"");
                }
                positionals.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            String name = arg;
            String inline = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 2) {
                name = arg.substring(0, equals);
                inline = arg.substring(equals + 1);
            }
            if (valueOptions.contains(name)) {
                String value = inline;
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException(command + ": " + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                if (values.putIfAbsent(name, value) != null) {
                    throw new UsageException(command + ": " + name + " given twice");
                }
            } else if (flagOptions.contains(name)) {
                if (inline != null) {
                    throw new UsageException(command + ": " + name + " takes no value");
                }
                flags.add(name);
            } else {
                throw new UsageException(command + ": unknown option " + name);
            }
        }
        return new Arguments(command, values, flags, positionals);
    }

    public String required(String name) throws UsageException {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new UsageException(command + ": " + name + " is required");
        }
        return value;
    }

    public String optional(String name, String otherwise) {
        return values.getOrDefault(name, otherwise);
    }

    public Path requiredPath(String name) throws UsageException {
        return Path.of(required(name));
    }

    public int positiveInt(String name, int otherwise) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            return otherwise;
        }
        try {
            int number = Integer.parseInt(value.trim());
            if (number < 1) {
                throw new UsageException(command + ": " + name + " must be at least 1, was " + value);
            }
            return number;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": " + name + " must be a whole number, was \"" + value + "\"");
        }
    }

    public boolean flag(String name) {
        return flags.contains(name);
    }

    /** The positional arguments; at least one is required. */
    public List<String> positionals(String what) throws UsageException {
        if (positionals.isEmpty()) {
            throw new UsageException(command + ": give at least one " + what);
        }
        return List.copyOf(positionals);
    }

    /** Exactly one positional argument. */
    public String single(String what) throws UsageException {
        if (positionals.size() != 1) {
            throw new UsageException(command + ": give exactly one " + what + (positionals.isEmpty() ? "" : ", got "
                    + positionals.size()));
        }
        return positionals.get(0);
    }
}
