#!/bin/sh
echo "shadow's save ran"
