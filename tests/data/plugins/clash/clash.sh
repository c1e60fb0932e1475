#!/bin/sh
echo "clash's hello"
