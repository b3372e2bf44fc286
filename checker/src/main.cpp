#include <iostream>

#include "percpu/check.hpp"

int main(int argc, char** argv) { return percpu::check::cli_main(argc, argv, std::cout, std::cerr); }
