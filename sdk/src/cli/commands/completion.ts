/**
 * `ow completion bash|zsh` prints a script that asks `ow __complete <words…>` for the next word:
 * the command words and flags come from the command table, so completion never goes stale.
 */
import { GLOBAL_FLAGS, UsageError } from "../args.ts";
import { type Command, EXIT } from "../command.ts";

const BASH = `# ow completion for bash; add to ~/.bashrc:  source <(ow completion bash)
_ow_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local IFS=$'\\n'
  COMPREPLY=( $(compgen -W "$(ow __complete "\${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null)" -- "$cur") )
}
complete -o default -F _ow_complete ow
`;

const ZSH = `# ow completion for zsh; add to ~/.zshrc:  source <(ow completion zsh)
autoload -U +X bashcompinit && bashcompinit
${BASH}`;

/** The words that may follow `words` on a command line. */
export function nextWords(commands: Command[], words: string[]): string[] {
  const exact = commands.find((c) => c.path.length <= words.length && c.path.every((w, i) => words[i] === w));
  if (exact) {
    const flags = { ...exact.flags, ...GLOBAL_FLAGS };
    return Object.keys(flags).map((f) => `--${f}`);
  }
  const next = commands
    .filter((c) => c.path.length > words.length && words.every((w, i) => c.path[i] === w))
    .map((c) => c.path[words.length]!);
  return [...new Set(next)].sort();
}

export function completionCommands(all: () => Command[]): Command[] {
  return [
    {
      path: ["completion"],
      summary: "print a shell completion script (bash or zsh)",
      args: "<bash|zsh>",
      flags: {},
      async run(parsed, io) {
        const shell = parsed.positionals[0];
        if (shell !== "bash" && shell !== "zsh") throw new UsageError('<shell> must be "bash" or "zsh"');
        const script = shell === "bash" ? BASH : ZSH;
        io.stdout.write(parsed.flags.json ? `${JSON.stringify({ shell, script })}\n` : script);
        return EXIT.ok;
      },
    },
    {
      path: ["__complete"],
      summary: "",
      hidden: true,
      passthrough: true,
      flags: {},
      async run(parsed, io) {
        io.stdout.write(
          nextWords(all(), parsed.positionals)
            .map((w) => `${w}\n`)
            .join(""),
        );
        return EXIT.ok;
      },
    },
  ];
}
