from redline.newsroom import main

main()
