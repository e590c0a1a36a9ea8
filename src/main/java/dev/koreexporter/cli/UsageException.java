package dev.koreexporter.cli;

/** Bad command line: the message names the argument and the rule, then the usage line. Exit code 2. */
public final class UsageException extends RuntimeException {
    private final String problem;

    public UsageException(String problem) {
        super(problem + "\n" + Cli.USAGE);
        this.problem = problem;
    }

    /** The problem alone, without the usage line. */
    public String problem() {
        return problem;
    }
}
