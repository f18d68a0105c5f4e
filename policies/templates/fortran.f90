program main
  implicit none
  print '(a)', 'Hello, world!'
end program main
