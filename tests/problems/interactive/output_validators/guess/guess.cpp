#include "validate.h"
int main(int argc, char **argv) { init_io(argc, argv); return 42; }
