# lang-progs.sh: sourced by tests/languages.t. For every shipped language: a
# hello world, a sum of the integers on stdin, and a program with an error on
# line 3; and where that error must be reported (FILE and line 3, in the
# language's own notation).
# The programs, per language: PROG ID hello|sum|err (err: an error on line 3).
prog() {
	case $1.$2 in
	c.hello) printf '#include <stdio.h>\nint main(void)\n{\n\tputs("hello");\n\treturn 0;\n}\n' ;;
	c.sum) printf '#include <stdio.h>\nint main(void) { long long s = 0, x; while (scanf("%%lld", &x) == 1) s += x; printf("%%lld\\n", s); return 0; }\n' ;;
	c.err) printf '#include <stdio.h>\nint main(void) {\n\tundeclared = 1;\n\treturn 0;\n}\n' ;;
	cpp.hello) printf '#include <iostream>\nint main() { std::cout << "hello" << std::endl; }\n' ;;
	cpp.sum) printf '#include <bits/stdc++.h>\nint main() { std::ios::sync_with_stdio(false); long long s = 0, x; while (std::cin >> x) s += x; std::cout << s << "\\n"; }\n' ;;
	cpp.err) printf '#include <iostream>\nint main() {\n\tundeclared = 1;\n}\n' ;;
	python3.*|pypy3.*|python2.*) case $2 in
		hello) printf 'print("hello")\n' ;;
		sum) printf 'import sys\nprint(sum(int(w) for w in sys.stdin.read().split()))\n' ;;
		err) printf 'import sys\n\nprint("x" +)\n' ;; esac ;;
	java.hello) printf 'public class Main {\n    public static void main(String[] a) { System.out.println("hello"); }\n}\n' ;;
	java.sum) printf 'import java.util.*;\npublic class Main { public static void main(String[] a) { Scanner in = new Scanner(System.in); long s = 0; while (in.hasNextLong()) s += in.nextLong(); System.out.println(s); } }\n' ;;
	java.err) printf 'public class Main {\n    public static void main(String[] a) {\n        int x = "string";\n    }\n}\n' ;;
	javascript.hello) printf 'console.log("hello");\n' ;;
	javascript.sum) printf 'const w = require("fs").readFileSync(0, "utf8").split(/\\s+/).filter(Boolean);\nconsole.log(w.reduce((s, x) => s + BigInt(x), 0n).toString());\n' ;;
	javascript.err) printf '"use strict";\n\nconsole.log("x" +);\n' ;;
	typescript.hello) printf 'const greeting: string = "hello";\nconsole.log(greeting);\n' ;;
	typescript.sum) printf 'import fs from "fs";\nconst w: string[] = fs.readFileSync(0, "utf8").split(/\\s+/).filter((x) => x !== "");\nlet s = 0;\nfor (const x of w) s += parseInt(x, 10);\nconsole.log(s);\n' ;;
	typescript.err) printf 'let n: number = 1;\n\nn = "string";\nconsole.log(n);\n' ;;
	go.hello) printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n' ;;
	go.sum) printf 'package main\n\nimport (\n\t"bufio"\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tr := bufio.NewReader(os.Stdin)\n\tvar s, x int64\n\tfor {\n\t\tif _, err := fmt.Fscan(r, &x); err != nil {\n\t\t\tbreak\n\t\t}\n\t\ts += x\n\t}\n\tfmt.Println(s)\n}\n' ;;
	go.err) printf 'package main\n\nfunc main() { undeclared = 1 }\n' ;;
	rust.hello) printf 'fn main() {\n    println!("hello");\n}\n' ;;
	rust.sum) printf 'use std::io::Read;\nfn main() {\n    let mut s = String::new();\n    std::io::stdin().read_to_string(&mut s).unwrap();\n    let t: i64 = s.split_whitespace().map(|w| w.parse::<i64>().unwrap()).sum();\n    println!("{}", t);\n}\n' ;;
	rust.err) printf 'fn main() {\n    let x: i32 = 1;\n    undeclared = x;\n}\n' ;;
	pascal.hello) printf "program hello;\nbegin\n  writeln('hello');\nend.\n" ;;
	pascal.sum) printf 'program sum; var s, x: int64; begin s := 0; while not seekeof do begin read(x); s := s + x; end; writeln(s); end.\n' ;;
	pascal.err) printf 'program err;\nbegin\n  undeclared := 1;\nend.\n' ;;
	php.hello) printf '<?php\necho "hello\\n";\n' ;;
	php.sum) printf '<?php\n$w = preg_split("/\\\\s+/", trim(stream_get_contents(STDIN)));\necho array_sum(array_map("intval", $w)), "\\n";\n' ;;
	php.err) printf '<?php\n\necho "x" . ;\n' ;;
	ruby.hello) printf 'puts "hello"\n' ;;
	ruby.sum) printf 'puts STDIN.read.split.map(&:to_i).sum\n' ;;
	ruby.err) printf 'x = 1\n\nputs(x +)\n' ;;
	csharp.hello) printf 'using System;\nclass Program {\n    static void Main() { Console.WriteLine("hello"); }\n}\n' ;;
	csharp.sum) printf 'using System;\nusing System.Linq;\nclass Program {\n    static void Main() {\n        var w = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries);\n        Console.WriteLine(w.Sum(x => long.Parse(x)));\n    }\n}\n' ;;
	csharp.err) printf 'class Program {\n    static void Main() {\n        undeclared = 1;\n    }\n}\n' ;;
	haskell.hello) printf 'main :: IO ()\nmain =\n  putStrLn "hello"\n' ;;
	haskell.sum) printf 'main :: IO ()\nmain = interact $ \\s -> show (sum (map read (words s) :: [Integer])) ++ "\\n"\n' ;;
	haskell.err) printf 'main :: IO ()\nmain =\n  putStrLn undeclared\n' ;;
	kotlin.hello) printf 'fun main() {\n    println("hello")\n}\n' ;;
	kotlin.sum) printf 'fun main() {\n    println(System.`in`.bufferedReader().readText().split(Regex("\\\\s+")).filter { it.isNotEmpty() }.map { it.toLong() }.sum())\n}\n' ;;
	kotlin.err) printf 'fun main() {\n    val x: Int = 1\n    undeclared = x\n}\n' ;;
	ada.hello) printf 'with Ada.Text_IO;\nprocedure Main is\nbegin\n   Ada.Text_IO.Put_Line ("hello");\nend Main;\n' ;;
	ada.sum) printf 'with Ada.Text_IO, Ada.Long_Long_Integer_Text_IO;\nprocedure Main is\n   S, X : Long_Long_Integer := 0;\nbegin\n   while not Ada.Text_IO.End_Of_File loop\n      Ada.Long_Long_Integer_Text_IO.Get (X);\n      S := S + X;\n   end loop;\n   Ada.Long_Long_Integer_Text_IO.Put (S, 0);\n   Ada.Text_IO.New_Line;\nend Main;\n' ;;
	ada.err) printf 'procedure Main is\nbegin\n   Undeclared := 1;\nend Main;\n' ;;
	awk.hello) printf 'BEGIN { print "hello" }\n' ;;
	awk.sum) printf '{ for (i = 1; i <= NF; i++) s += $i }\nEND { print s }\n' ;;
	awk.err) printf 'BEGIN {\n\tx = 1\n\tprint (x))\n}\n' ;;
	bash.hello) printf 'echo hello\n' ;;
	bash.sum) printf 's=0\nfor x in $(cat); do s=$((s + x)); done\necho $s\n' ;;
	bash.err) printf 'x=1\n\nif then\n' ;;
	lisp.hello) printf '(write-line "hello")\n' ;;
	lisp.sum) printf '(let ((s 0))\n  (loop for x = (read *standard-input* nil nil) while x do (incf s x))\n  (format t "~a~%%" s))\n' ;;
	lisp.err) printf '(defun f (x)\n  x)\n(write-line (f "x")))\n' ;;
	fortran.hello) printf "program hello\n  print '(a)', 'hello'\nend program hello\n" ;;
	fortran.sum) printf "program sum\n  implicit none\n  character(len=4096) :: line\n  integer(8) :: s, x\n  integer :: ios, i, j\n  s = 0\n  do\n    read (*, '(a)', iostat=ios) line\n    if (ios /= 0) exit\n    i = 1\n    do while (i <= len_trim(line))\n      if (line(i:i) == ' ') then\n        i = i + 1\n      else\n        j = index(line(i:), ' ') + i - 1\n        read (line(i:j), *) x\n        s = s + x\n        i = j + 1\n      end if\n    end do\n  end do\n  print '(i0)', s\nend program sum\n" ;;
	fortran.err) printf 'program err\n  implicit none\n  undeclared = 1\nend program err\n' ;;
	lua.hello) printf 'print("hello")\n' ;;
	lua.sum) printf 'local s = 0\nfor w in io.read("a"):gmatch("%%S+") do s = s + tonumber(w) end\nprint(s)\n' ;;
	lua.err) printf 'local x = 1\n\nprint("x" ..)\n' ;;
	ocaml.hello) printf 'let () = print_endline "hello"\n' ;;
	ocaml.sum) printf 'let () =\n  let s = ref 0 in\n  (try while true do Scanf.scanf " %%d" (fun x -> s := !s + x) done with _ -> ());\n  Printf.printf "%%d\\n" !s\n' ;;
	ocaml.err) printf 'let () =\n  let x = 1 in\n  print_endline x\n' ;;
	perl.hello) printf 'print "hello\\n";\n' ;;
	perl.sum) printf 'my $s = 0;\n$s += $_ for split " ", join("", <STDIN>);\nprint "$s\\n";\n' ;;
	perl.err) printf 'use strict;\n\nprint "x" . ;\n' ;;
	prolog.hello) printf 'main :- write(hello), nl.\n' ;;
	prolog.sum) printf 'main :-\n    read_string(user_input, _, S),\n    split_string(S, " \\n\\t", " \\n\\t", Ws), exclude(==(""), Ws, Ws1),\n    maplist(number_string, Ns, Ws1), sum_list(Ns, T), write(T), nl.\n' ;;
	prolog.err) printf 'main :-\n    X = 1,\n    write(X +).\n' ;;
	r.hello) printf 'cat("hello\\n")\n' ;;
	r.sum) printf 'x <- scan(file("stdin"), quiet = TRUE)\ncat(format(sum(x), scientific = FALSE), "\\n", sep = "")\n' ;;
	r.err) printf 'x <- 1\n\nprint(x +)\n' ;;
	scala.hello) printf 'object Main {\n  def main(args: Array[String]): Unit = println("hello")\n}\n' ;;
	scala.sum) printf 'object Main {\n  def main(args: Array[String]): Unit =\n    println(scala.io.Source.stdin.mkString.split("\\\\s+").filter(_.nonEmpty).map(_.toLong).sum)\n}\n' ;;
	scala.err) printf 'object Main {\n  def main(args: Array[String]): Unit = {\n    val x: Int = "string"\n  }\n}\n' ;;
	*) return 1 ;;
	esac
}
# Where the error of the err program must be reported: FILE and line 3, in
# the language's own notation. Interpreters name the file as /box/FILE.
where() {
	# where ID SOURCE
	local s=$2
	case $1 in
	pascal|csharp|typescript) echo "$s(3," ;;
	python3|pypy3|python2|ocaml) echo "$s\", line 3" ;;
	bash) echo "$s: line 3:" ;;
	perl) echo "$s line 3" ;;
	lisp) echo "Line: 3," ;;
	php) echo "$s on line 3" ;;
	javascript) echo "$s:3" ;;
	*) echo "$s:3:" ;;
	esac
}
