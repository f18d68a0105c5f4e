program main;
begin
  writeln('Hello, world!');
end.
