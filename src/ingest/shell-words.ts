/**
 * A shell command as simple commands and their words, for telling which files it touches (a
 * heuristic, not a shell: no expansion is performed, and a word holding one is kept as written).
 */

export type Word = { text: string; redirect: "in" | "out" | null };

/** Where a substitution `<(…)`, `>(…)` or `$(…)` began: the command and word to resume after it. */
type Resume = { command: Word[]; word: string; inWord: boolean; redirect: Word["redirect"] | "skip" };

/**
 * Splits a command into simple commands and their words, honouring single and double quotes and
 * backslash escapes (`'my file.txt'` is one word), and marking words that follow `>` / `>>` (out)
 * or `<` (in; a heredoc's `<<` delimiter is no file). A process substitution (`diff <(sort a) b`)
 * or command substitution (`cp $(cat list) dir/`) is a command of its own, and the one around it
 * goes on after its `)`: a `$(…)` stays in its word as an expansion.
 */
export function shellWords(command: string): Word[][] {
  const commands: Word[][] = [];
  let current: Word[] = [];
  commands.push(current);
  const open: Resume[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  let redirect: Word["redirect"] | "skip" = null;
  const end = () => {
    if (inWord && redirect !== "skip") current.push({ text: word, redirect });
    if (inWord) redirect = null;
    word = "";
    inWord = false;
  };
  const nextCommand = () => {
    if (current.length > 0) {
      current = [];
      commands.push(current);
    }
  };
  // Into a substitution at `command[i]` === "(": its words form a command of their own.
  const enter = (resume: Resume) => {
    open.push(resume);
    word = "";
    inWord = false;
    redirect = null;
    current = [];
    commands.push(current);
  };
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < command.length) word += command[++i];
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (c === "$" && command[i + 1] === "(" && command[i + 2] !== "(") {
      i++;
      enter({ command: current, word: `${word}$(…)`, inWord: true, redirect });
    } else if ((c === "<" || c === ">") && command[i + 1] === "(") {
      end();
      i++;
      enter({ command: current, word: "", inWord: false, redirect: null });
    } else if (c === ")" && open.length > 0) {
      end();
      const back = open.pop()!;
      current = back.command;
      word = back.word;
      inWord = back.inWord;
      redirect = back.redirect;
    } else if (c === ">") {
      end();
      if (command[i + 1] === ">") i++;
      // `2>&1` and `>&2` duplicate descriptors: not files.
      if (command[i + 1] === "&") i++;
      else redirect = "out";
    } else if (c === "<") {
      end();
      if (command[i + 1] === "<") {
        // A heredoc (`<<EOF`, `<<-EOF`) or here-string (`<<<`): its word is no file.
        while (command[i + 1] === "<" || command[i + 1] === "-") i++;
        redirect = "skip";
      } else redirect = "in";
    } else if (c === ";" || c === "|" || c === "&" || c === "\n" || c === "(" || c === ")") {
      end();
      redirect = null;
      nextCommand();
    } else if (c === " " || c === "\t") end();
    else {
      // A descriptor number right before `>` (2>file) is not a word of its own.
      if (/[0-9]/.test(c) && command[i + 1] === ">" && !inWord) continue;
      word += c;
      inWord = true;
    }
  }
  end();
  return commands.filter((c) => c.length > 0);
}

/**
 * The command without the bodies of its heredocs (`cat > f <<'EOF'` … `EOF`): their lines are a
 * file's text, not commands (a line "file sizes matter" would read as `file` on two files).
 */
export function withoutHeredocBodies(command: string): string {
  if (!command.includes("<<")) return command;
  const lines = command.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]!);
    const delimiters = [...lines[i]!.matchAll(/<<-?[ \t]*(["']?)([\w.-]+)\1/g)].map((m) => m[2]!);
    for (const delimiter of delimiters) {
      while (i + 1 < lines.length && lines[i + 1]!.replace(/^\t+/, "") !== delimiter) i++;
      i++; // the delimiter line itself
    }
  }
  return out.join("\n");
}
