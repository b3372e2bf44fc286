#include <iostream>

#include "check_cli.hpp"

int main(int argc, char** argv) { return percpu::check::cli_main(argc, argv, std::cout, std::cerr); }
