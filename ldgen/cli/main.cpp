#include <iostream>

#include "ldgen_cli.hpp"

int main(int argc, char** argv) { return percpu::ldgen::cli_main(argc, argv, std::cout, std::cerr); }
