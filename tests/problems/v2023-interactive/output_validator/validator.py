#!/usr/bin/env python3
import helper
helper.run()
